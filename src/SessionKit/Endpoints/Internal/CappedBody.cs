// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.IO.Compression;

namespace SessionKit.Internal;

/// <summary>
/// Reads a response body with a size cap, so a huge or endless body cannot exhaust memory. A body the handler left
/// content-encoded (<c>gzip</c>, <c>deflate</c>, <c>br</c>: a server may send one even when the request names no
/// <c>Accept-Encoding</c>) is decoded, and the cap applies to the decoded bytes too.
/// </summary>
/// <remarks>
/// A body whose first byte is already JSON text (<c>{</c>, <c>[</c>, white space or a byte order mark) is never decoded, whatever
/// <c>Content-Encoding</c> says: in the browser, <c>fetch</c> decodes the body and still shows the header. No gzip, zlib or
/// Brotli stream of a token response starts that way, except a Brotli one in rare cases, which then reads as an unusable answer.
/// </remarks>
internal static class CappedBody
{
    /// <summary>Reads at most <paramref name="maxBytes"/> bytes of <paramref name="response"/>'s body, decoded.</summary>
    /// <returns>The body, or <see langword="null"/> when it is larger than <paramref name="maxBytes"/>.</returns>
    /// <exception cref="InvalidDataException">The body is not in the content encoding it declares.</exception>
    public static async Task<byte[]?> ReadAsync(HttpResponseMessage response, int maxBytes, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength is long declared && declared > maxBytes)
        {
            return null;
        }

        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        byte[]? body;
        await using (stream.ConfigureAwait(false))
        {
            body = await ReadCappedAsync(stream, maxBytes, cancellationToken).ConfigureAwait(false);
        }

        if (body is null || body.Length == 0 || LooksLikeText(body[0]) || Decoder(response, new MemoryStream(body)) is not { } decoder)
        {
            return body;
        }

        await using (decoder.ConfigureAwait(false))
        {
            return await ReadCappedAsync(decoder, maxBytes, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<byte[]?> ReadCappedAsync(Stream stream, int maxBytes, CancellationToken cancellationToken)
    {
        var buffer = new byte[Math.Min(maxBytes + 1, 16 * 1024)];
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (buffer.Length > maxBytes)
                {
                    return null;
                }

                Array.Resize(ref buffer, Math.Min(buffer.Length * 2, maxBytes + 1));
            }

            var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            length += read;
            if (length > maxBytes)
            {
                return null;
            }
        }

        return buffer.AsSpan(0, length).ToArray();
    }

    private static bool LooksLikeText(byte first) => first is (byte)'{' or (byte)'[' or (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or 0xEF;

    /// <summary>Returns a decoder over <paramref name="encoded"/> for the one content coding the response names, if it is one SessionKit knows.</summary>
    private static Stream? Decoder(HttpResponseMessage response, Stream encoded)
    {
        var codings = response.Content.Headers.ContentEncoding;
        if (codings.Count != 1)
        {
            return null;
        }

        var coding = codings.First();
        return Is(coding, "gzip") || Is(coding, "x-gzip") ? new GZipStream(encoded, CompressionMode.Decompress)
            : Is(coding, "deflate") ? new ZLibStream(encoded, CompressionMode.Decompress)
            : Is(coding, "br") ? new BrotliStream(encoded, CompressionMode.Decompress)
            : null;

        static bool Is(string coding, string name) => coding.Equals(name, StringComparison.OrdinalIgnoreCase);
    }
}
