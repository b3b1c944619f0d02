// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.IO.Compression;

namespace SessionKit.Internal;

/// <summary>
/// Reads a response body with a size cap, so a huge or endless body cannot exhaust memory. A body the handler left
/// content-encoded (<c>gzip</c>, <c>deflate</c>, <c>br</c>: allowed when the request names no <c>Accept-Encoding</c>) is decoded,
/// and the cap applies to the decoded bytes.
/// </summary>
internal static class CappedBody
{
    /// <summary>Reads at most <paramref name="maxBytes"/> bytes of <paramref name="response"/>'s body.</summary>
    /// <returns>The body, or <see langword="null"/> when it is larger than <paramref name="maxBytes"/>.</returns>
    /// <exception cref="InvalidDataException">The body is not in the content encoding it declares.</exception>
    public static async Task<byte[]?> ReadAsync(HttpResponseMessage response, int maxBytes, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength is long declared && declared > maxBytes)
        {
            return null;
        }

        var stream = Decoded(response, await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
        await using (stream.ConfigureAwait(false))
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
    }

    /// <summary>Wraps <paramref name="stream"/> in a decoder for the one content coding the response names, if it is one SessionKit knows.</summary>
    private static Stream Decoded(HttpResponseMessage response, Stream stream)
    {
        var codings = response.Content.Headers.ContentEncoding;
        if (codings.Count != 1)
        {
            return stream;
        }

        var coding = codings.First();
        return Is(coding, "gzip") || Is(coding, "x-gzip") ? new GZipStream(stream, CompressionMode.Decompress)
            : Is(coding, "deflate") ? new ZLibStream(stream, CompressionMode.Decompress)
            : Is(coding, "br") ? new BrotliStream(stream, CompressionMode.Decompress)
            : stream;

        static bool Is(string coding, string name) => coding.Equals(name, StringComparison.OrdinalIgnoreCase);
    }
}
