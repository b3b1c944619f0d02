// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Internal;

/// <summary>Turns the answer to a password grant into a session or a <see cref="SessionSignInException"/>.</summary>
internal static class SignInResults
{
    /// <param name="response">The answer, or <see langword="null"/> when there was none.</param>
    /// <param name="failure">Why there was no answer.</param>
    /// <param name="requireJwt">Whether the access token must be a readable JWT.</param>
    /// <param name="secrets">What was sent that the server's text must not carry into the exception (the password, the client secret).</param>
    public static Session ToSession(EndpointResponse? response, RefreshOutcome? failure, bool requireJwt, string?[] secrets)
    {
        if (response is null)
        {
            throw new SessionSignInException("Sign-in failed: " + (failure?.Description ?? "no answer"), failure?.Exception)
            {
                StatusCode = failure?.StatusCode,
            };
        }

        if (response.IsSuccess)
        {
            if (TokenResponse.TryParse(response.Body!, response.ReceivedAt, requireJwt, out var session, out var problem))
            {
                return session!;
            }

            throw new SessionSignInException("Sign-in failed: unusable success response: " + problem) { StatusCode = response.Status };
        }

        var error = ErrorBody.Parse(response.Body, response.VersionedErrorShape, response.ErrorCodeHeader);
        var code = error.Code ?? error.OAuthError;
        throw new SessionSignInException($"Sign-in failed with status {response.Status}{(code is null ? string.Empty : " (" + code + ")")}: {SafeText.RedactThenCap(error.Message, secrets) ?? "no message"}")
        {
            StatusCode = response.Status,
            ErrorCode = code,
        };
    }
}
