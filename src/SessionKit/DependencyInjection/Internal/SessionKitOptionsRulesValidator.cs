// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.Extensions.Options;

namespace SessionKit.Internal;

/// <summary>Cross-field rules of <see cref="SessionKitOptions"/>.</summary>
internal sealed class SessionKitOptionsRulesValidator : IValidateOptions<SessionKitOptions>
{
    public ValidateOptionsResult Validate(string? name, SessionKitOptions options)
    {
        var failures = new List<string>();
        if (options.GoTrue is not null && options.OAuth2 is not null)
        {
            failures.Add("SessionKit: configure one token endpoint, GoTrue or OAuth2, not both.");
        }

        if (options.GoTrue?.AuthUrl is { IsAbsoluteUri: false })
        {
            failures.Add("SessionKit: GoTrue AuthUrl must be an absolute URL.");
        }

        if (options.OAuth2?.TokenEndpoint is { IsAbsoluteUri: false })
        {
            failures.Add("SessionKit: OAuth2 TokenEndpoint must be an absolute URL.");
        }

        if (options.OAuth2?.RevocationEndpoint is { IsAbsoluteUri: false })
        {
            failures.Add("SessionKit: OAuth2 RevocationEndpoint must be an absolute URL.");
        }

        var refresh = options.Refresh;
        if (refresh.AttemptTimeout > refresh.TotalTimeout)
        {
            failures.Add("SessionKit: Refresh.AttemptTimeout must not exceed Refresh.TotalTimeout.");
        }

        if (refresh.RetryBaseDelay > refresh.MaxRetryDelay)
        {
            failures.Add("SessionKit: Refresh.RetryBaseDelay must not exceed Refresh.MaxRetryDelay.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
