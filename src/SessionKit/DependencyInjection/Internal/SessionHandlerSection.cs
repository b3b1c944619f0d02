// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Internal;

/// <summary>
/// What a configuration section can set of <see cref="SessionHandlerOptions"/>: every property but the key selector, which is
/// code. Bound instead of the options themselves because the binding source generator would otherwise walk the selector's
/// delegate type (and fail on it); a key that is absent leaves the option as it was.
/// </summary>
internal sealed class SessionHandlerSection
{
    public string? SessionKey { get; set; }

    public TimeSpan? RefreshMargin { get; set; }

    public List<Uri>? AllowedOrigins { get; set; }

    public bool? RequireSession { get; set; }

    public bool? RetryOnUnauthorized { get; set; }

    public bool? FollowRedirects { get; set; }

    public int? MaxRedirects { get; set; }

    public void ApplyTo(SessionHandlerOptions options)
    {
        options.SessionKey = SessionKey ?? options.SessionKey;
        options.RefreshMargin = RefreshMargin ?? options.RefreshMargin;
        options.RequireSession = RequireSession ?? options.RequireSession;
        options.RetryOnUnauthorized = RetryOnUnauthorized ?? options.RetryOnUnauthorized;
        options.FollowRedirects = FollowRedirects ?? options.FollowRedirects;
        options.MaxRedirects = MaxRedirects ?? options.MaxRedirects;
        foreach (var origin in AllowedOrigins ?? [])
        {
            options.AllowedOrigins.Add(origin);
        }
    }
}
