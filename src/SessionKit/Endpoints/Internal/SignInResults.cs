// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Internal;

/// <summary>Turns the answer to a password grant into a session or a <see cref="SessionSignInException"/>.</summary>
internal static class SignInResults
{
    public static Session ToSession(EndpointResponse? response, RefreshOutcome? failure, bool requireJwt)
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
        throw new SessionSignInException($"Sign-in failed with status {response.Status}{(code is null ? string.Empty : " (" + code + ")")}: {SafeText.RedactThenCap(error.Message, []) ?? "no message"}")
        {
            StatusCode = response.Status,
            ErrorCode = code,
        };
    }
}
