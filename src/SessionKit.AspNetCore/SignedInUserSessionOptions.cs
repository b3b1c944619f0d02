// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace SessionKit.AspNetCore;

/// <summary>
/// Options of SessionKit in an ASP.NET Core app: how the signed-in user's session key is read from <see cref="HttpContext.User"/>,
/// where a user whose session ended is sent, and whether session keys are hashed in logs.
/// </summary>
/// <remarks>
/// The session key is <see cref="KeyPrefix"/> + subject, then <c>":"</c> + session id when the principal has one
/// (for example <c>user:6f1c...:9a2e...</c>): one stored session per sign-in, so two browsers of one user never share
/// a refresh token. Configure once with <c>AddSessionKitAspNetCore</c>; read through <c>IOptions</c>.
/// </remarks>
public sealed class SignedInUserSessionOptions
{
    /// <summary>Gets or sets the claim type of the user's subject (the user id).</summary>
    /// <value>Defaults to <c>"sub"</c>; <see cref="ClaimTypes.NameIdentifier"/> is read when the principal has no such claim (handlers that map inbound claims).</value>
    public string SubjectClaimType { get; set; } = "sub";

    /// <summary>Gets or sets the claim type of the sign-in's session id, which makes the key unique per sign-in.</summary>
    /// <value>Defaults to <c>"sid"</c> (OpenID Connect); <see cref="ClaimTypes.Sid"/> is read when the principal has no such claim. Without either, the key is per user.</value>
    public string SessionIdClaimType { get; set; } = "sid";

    /// <summary>Gets or sets the prefix of every key derived from a user, which keeps them apart from other keys in a shared store.</summary>
    /// <value>Defaults to <c>"user:"</c>.</value>
    public string KeyPrefix { get; set; } = "user:";

    /// <summary>Gets or sets a function that derives the session key from the signed-in user, replacing the claim-based default.</summary>
    /// <value>Defaults to <see langword="null"/>: the key is built from <see cref="SubjectClaimType"/> and <see cref="SessionIdClaimType"/>. Return <see langword="null"/> for a principal that has no session.</value>
    public Func<ClaimsPrincipal, string?>? KeySelector { get; set; }

    /// <summary>Gets or sets the path a browser is redirected to when its session ended, with the reason in <see cref="ReasonQueryParameter"/>.</summary>
    /// <value>Defaults to <c>"/signin"</c>.</value>
    public PathString SignInPath { get; set; } = "/signin";

    /// <summary>Gets or sets the name of the query parameter that carries the reason code to <see cref="SignInPath"/>.</summary>
    /// <value>Defaults to <c>"reason"</c>.</value>
    public string ReasonQueryParameter { get; set; } = "reason";

    /// <summary>
    /// Gets or sets the name of a short-lived cookie (five minutes, HTTP-only, holding only the reason code) set with a forced
    /// sign-out, so that the user's other tabs, which arrive without the auth cookie, are sent to the sign-in page with the same
    /// reason instead of <see cref="SessionEndCodes.NotSignedIn"/>. A successful sign-in through SessionKit removes it.
    /// </summary>
    /// <value>Defaults to <c>"SessionKit.SignOutReason"</c>; <see langword="null"/> or empty turns it off.</value>
    public string? ReasonCookieName { get; set; } = "SessionKit.SignOutReason";

    /// <summary>Gets or sets the authentication scheme signed out when a session ended.</summary>
    /// <value>Defaults to <see langword="null"/>: the app's default sign-out scheme (the cookie).</value>
    public string? CookieScheme { get; set; }

    /// <summary>
    /// Gets or sets a function telling API requests (answered with 401 and a JSON reason) from page requests (redirected to
    /// <see cref="SignInPath"/>).
    /// </summary>
    /// <value>Defaults to <see langword="null"/>: a request is an API request unless its <c>Accept</c> header asks for <c>text/html</c> (a browser navigation).</value>
    public Func<HttpRequest, bool>? IsApiRequest { get; set; }

    /// <summary>Gets the messages shown for each reason code (see <see cref="SessionEndCodes"/>); replace or add entries to change the wording.</summary>
    /// <value>An English message for every code SessionKit sends.</value>
    public IDictionary<string, string> Messages { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [SessionEndCodes.RefreshTokenAlreadyUsed] = "You were signed out because your session was used from somewhere else. Please sign in again.",
        [SessionEndCodes.RefreshTokenNotFound] = "You were signed out because your session was ended on another device or by an administrator.",
        [SessionEndCodes.SessionExpired] = "Your session expired. Please sign in again.",
        [SessionEndCodes.SessionNotFound] = "Your session no longer exists on the server. Please sign in again.",
        [SessionEndCodes.UserBanned] = "Your account is blocked.",
        [SessionEndCodes.InvalidRefreshToken] = "Your session could not be renewed. Please sign in again.",
        [SessionEndCodes.InvalidGrant] = "Your session was revoked or expired. Please sign in again.",
        [SessionEndCodes.InteractionRequired] = "Please sign in again to continue: your organisation requires it.",
        [SessionEndCodes.SignedOut] = "You were signed out.",
        [SessionEndCodes.SessionMissing] = "Your session is no longer available. Please sign in again.",
        [SessionEndCodes.InvalidUser] = "Your sign-in could not be read. Please sign in again.",
        [SessionEndCodes.NotSignedIn] = "Please sign in.",
    };

    /// <summary>Returns the message for <paramref name="code"/>, for a sign-in page to show.</summary>
    /// <param name="code">A reason code, as received in <see cref="ReasonQueryParameter"/>; anything else gives <see langword="null"/>.</param>
    /// <returns>The message, or <see langword="null"/> for an unknown or missing code (never echo an unknown code into a page).</returns>
    public string? GetMessage(string? code) =>
        code is not null && Messages.TryGetValue(code, out var message) ? message : null;
}
