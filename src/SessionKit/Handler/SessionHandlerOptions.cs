// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.ComponentModel.DataAnnotations;
using SessionKit.Internal;

namespace SessionKit;

/// <summary>Options of one <see cref="SessionHandler"/>. With <c>AddSessionHandler</c> they are named after the <see cref="HttpClient"/>, so each client is configured on its own.</summary>
public sealed class SessionHandlerOptions
{
    /// <summary>Gets or sets the key of the session whose tokens this handler attaches.</summary>
    /// <value>Defaults to <c>"default"</c>, the single-user key used by <see cref="SessionClient"/>.</value>
    [Required]
    public string SessionKey { get; set; } = RefreshDefaults.SessionKey;

    /// <summary>
    /// Gets or sets a function choosing the session key per request (a server calling APIs on behalf of many users),
    /// for example <c>request =&gt; request.GetSessionKey()</c>. When it returns <see langword="null"/>, <see cref="SessionKey"/> is used.
    /// </summary>
    /// <value>Defaults to <see langword="null"/>: every request uses <see cref="SessionKey"/>.</value>
    public Func<HttpRequestMessage, string?>? SessionKeySelector { get; set; }

    /// <summary>Gets or sets how long before expiry the handler refreshes the access token.</summary>
    /// <value>Defaults to 30 seconds, capped at half the token lifetime so short-lived tokens are not refreshed on every request.</value>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan RefreshMargin { get; set; } = RefreshDefaults.RefreshMargin;

    /// <summary>Gets the origins (scheme, host and port) that receive the access token. Requests to any other origin go out without it.</summary>
    /// <value>Empty by default. <c>AddSessionHandler</c> adds the <see cref="HttpClient.BaseAddress"/> origin of the client it is added to.</value>
    public IList<Uri> AllowedOrigins { get; } = [];

    /// <summary>Gets or sets a value indicating whether a request to an allowed origin fails without a session.</summary>
    /// <value>Defaults to <see langword="true"/>: <see cref="SessionRequiredException"/> (or <see cref="SessionEndedException"/> after an end) is thrown. When <see langword="false"/>, the request goes out anonymously.</value>
    public bool RequireSession { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether a 401 answer triggers a refresh and one retry.</summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool RetryOnUnauthorized { get; set; } = true;
}
