// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.AspNetCore.Http;

namespace SessionKit.Testing.Internal;

/// <summary>
/// The faults that spoil a success answer the same way on every test server, after the server rotated: a dropped connection,
/// a truncated body, a non-JSON body and a huge body. The faults that alter the body's fields depend on each server's shape.
/// </summary>
internal static class CorruptedAnswer
{
    /// <summary>Starts a 200 JSON answer and writes <paramref name="fault"/> if it is one of the shape-independent faults.</summary>
    /// <param name="context">The request.</param>
    /// <param name="fault">The fault to apply.</param>
    /// <param name="json">The answer the server would have sent.</param>
    /// <returns><see langword="true"/> when the fault was written; <see langword="false"/> when the caller alters the body itself.</returns>
    public static async Task<bool> TryWriteAsync(HttpContext context, TokenEndpointFault fault, Func<string> json)
    {
        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "application/json";
        switch (fault.Kind)
        {
            case TokenEndpointFaultKind.DropConnectionAfterRotating:
                context.Abort();
                return true;
            case TokenEndpointFaultKind.TruncatedJson:
                var whole = json();
                await response.WriteAsync(whole[..(whole.Length / 2)]).ConfigureAwait(false);
                return true;
            case TokenEndpointFaultKind.NonJsonSuccess:
                response.ContentType = "text/plain";
                await response.WriteAsync("OK").ConfigureAwait(false);
                return true;
            case TokenEndpointFaultKind.HugeBody:
                await response.WriteAsync("{\"padding\":\"").ConfigureAwait(false);
                var chunk = new string('x', 64 * 1024);
                for (var written = 0; written < fault.BodyBytes; written += chunk.Length)
                {
                    await response.WriteAsync(chunk, context.RequestAborted).ConfigureAwait(false);
                }

                await response.WriteAsync("\"}").ConfigureAwait(false);
                return true;
            default:
                return false;
        }
    }
}
