// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Internal;

/// <summary>Reads a response body with a size cap, so a huge or endless body cannot exhaust memory.</summary>
internal static class CappedBody
{
    /// <summary>Reads at most <paramref name="maxBytes"/> bytes of <paramref name="response"/>'s body.</summary>
    /// <returns>The body, or <see langword="null"/> when it is larger than <paramref name="maxBytes"/>.</returns>
    public static async Task<byte[]?> ReadAsync(HttpResponseMessage response, int maxBytes, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength is long declared && declared > maxBytes)
        {
            return null;
        }

        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
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
}
