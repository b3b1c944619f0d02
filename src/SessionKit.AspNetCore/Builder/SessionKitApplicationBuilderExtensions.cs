// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using SessionKit;
using SessionKit.AspNetCore;
using SessionKit.AspNetCore.Internal;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds SessionKit's forced sign-out to the request pipeline.</summary>
public static class SessionKitApplicationBuilderExtensions
{
    /// <summary>
    /// Signs a user out as soon as their session ended (reuse detected, revoked, signed out in another tab or instance): the
    /// cookie is signed out and a browser is redirected to <see cref="SignedInUserSessionOptions.SignInPath"/> with the reason
    /// code; an API call gets 401 with <c>{"error":"session_ended","reason":...,"message":...}</c> and the
    /// <see cref="SessionEndCodes.HeaderName"/> header. Also turns a <see cref="SessionEndedException"/> or
    /// <see cref="SessionRequiredException"/> thrown by the endpoint (before its response started) into the same answer, when it
    /// is about the user's own session (one the app named with <c>request.SetSessionKey</c> is left to the app). A store or token
    /// server that is unavailable (a transient <see cref="TokenStoreException"/> or <see cref="SessionRefreshException"/>) gets
    /// 503 <c>{"error":"temporarily_unavailable",...}</c> and signs nobody out.
    /// </summary>
    /// <param name="app">The application builder.</param>
    /// <returns>The application builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="app"/> is <see langword="null"/>.</exception>
    /// <remarks>
    /// Place it after <c>UseAuthentication</c> and before <c>UseAuthorization</c>. It costs one store read per authenticated
    /// request (synchronous for the in-memory store; one round trip for a remote store), and a second only when no session
    /// is stored. Requires <c>AddSessionKitAspNetCore</c>.
    /// </remarks>
    public static IApplicationBuilder UseSessionKitForcedSignOut(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.UseMiddleware<ForcedSignOutMiddleware>();
    }
}
