// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using SessionKit.Internal;

namespace SessionKit;

/// <summary>Options of one <see cref="SessionHandler"/>. With <c>AddSessionHandler</c> they are named after the <see cref="HttpClient"/>, so each client is configured on its own.</summary>
public sealed class SessionHandlerOptions
{
    /// <summary>Gets or sets the key of the session whose tokens this handler attaches.</summary>
    /// <value>Defaults to <c>"default"</c>, the single-user key used by <see cref="SessionClient"/>. Required: not empty or blank.</value>
    public string SessionKey { get; set; } = RefreshDefaults.SessionKey;

    /// <summary>
    /// Gets or sets a function choosing the session key per request (a server calling APIs on behalf of many users),
    /// for example <c>request =&gt; request.GetSessionKey()</c>. When it returns <see langword="null"/>, <see cref="SessionKey"/> is used.
    /// </summary>
    /// <value>Defaults to <see langword="null"/>: every request uses <see cref="SessionKey"/>.</value>
    public Func<HttpRequestMessage, string?>? SessionKeySelector { get; set; }

    /// <summary>Gets or sets how long before expiry the handler refreshes the access token.</summary>
    /// <value>
    /// Defaults to 30 seconds, capped at half the token lifetime so short-lived tokens are not refreshed on every request.
    /// From zero to 1 day.
    /// </value>
    public TimeSpan RefreshMargin { get; set; } = RefreshDefaults.RefreshMargin;

    /// <summary>The valid values of <see cref="RefreshMargin"/>.</summary>
    internal static readonly ValueRange<TimeSpan> RefreshMarginRange = new(TimeSpan.Zero, TimeSpan.FromDays(1));

    /// <summary>Gets the origins (scheme, host and port) that receive the access token. Requests to any other origin go out without it.</summary>
    /// <value>Empty by default. <c>AddSessionHandler</c> adds the <see cref="HttpClient.BaseAddress"/> origin of the client it is added to.</value>
    public IList<Uri> AllowedOrigins { get; } = [];

    /// <summary>Gets or sets a value indicating whether a request to an allowed origin fails without a session.</summary>
    /// <value>Defaults to <see langword="true"/>: <see cref="SessionRequiredException"/> (or <see cref="SessionEndedException"/> after an end) is thrown. When <see langword="false"/>, the request goes out anonymously.</value>
    public bool RequireSession { get; set; } = true;

    /// <summary>
    /// Gets or sets a value indicating whether a 401 answer triggers a refresh and one retry. Only a 401 to a request that
    /// carried SessionKit's token to an allowed origin counts, and only when its <c>WWW-Authenticate</c> challenge is about the
    /// token: no challenge, no <c>Bearer</c> challenge, or a <c>Bearer</c> challenge with <c>error="invalid_token"</c> or no
    /// error code. <c>insufficient_scope</c> (and any 403) is returned as it is.
    /// </summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool RetryOnUnauthorized { get; set; } = true;

    /// <summary>
    /// Gets or sets a value indicating whether the handler follows redirects itself, checking the origin at every hop: an allowed
    /// origin gets the current token, any other origin gets none (and its 401 never causes a refresh).
    /// </summary>
    /// <value>
    /// Defaults to <see langword="true"/>. <c>AddSessionHandler</c> turns off <c>AllowAutoRedirect</c> on the client's primary
    /// handler so the redirects reach this handler; when <see langword="false"/>, 3xx answers are returned to the caller.
    /// </value>
    public bool FollowRedirects { get; set; } = true;

    /// <summary>Gets or sets the most redirects one request follows; the last 3xx is returned to the caller beyond it.</summary>
    /// <value>Defaults to 50, as <see cref="HttpClientHandler.MaxAutomaticRedirections"/>. From 1 to 1,000.</value>
    public int MaxRedirects { get; set; } = HandlerDefaults.MaxRedirects;

    /// <summary>The valid values of <see cref="MaxRedirects"/>.</summary>
    internal static readonly ValueRange<int> MaxRedirectsRange = new(1, 1000);
}
