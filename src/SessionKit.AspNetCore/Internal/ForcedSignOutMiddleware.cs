// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.AspNetCore.Http;

namespace SessionKit.AspNetCore.Internal;

/// <summary>
/// Signs a user out, with the reason, as soon as their session is gone from the store: before the endpoint runs (one store
/// read per authenticated request, a second only when no session is stored), and when the endpoint's own call finds the
/// session ended (<see cref="SessionEndedException"/>) before it started its response.
/// </summary>
internal sealed class ForcedSignOutMiddleware
{
    private readonly RequestDelegate _next;
    private readonly SignedInUserSessions _sessions;

    public ForcedSignOutMiddleware(RequestDelegate next, SignedInUserSessions sessions)
    {
        _next = next;
        _sessions = sessions;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var options = _sessions.Options;
        var signedIn = context.User.Identity?.IsAuthenticated == true;
        try
        {
            if (signedIn && await _sessions.FindEndAsync(context.User, context.RequestAborted).ConfigureAwait(false) is { } ended)
            {
                await SignInResponder.RespondAsync(context, options, ended, signOut: true).ConfigureAwait(false);
                return;
            }

            await _next(context).ConfigureAwait(false);
        }
        catch (SessionEndedException ex) when (!context.Response.HasStarted && IsUsersSession(context, ex))
        {
            context.Response.Clear();
            await SignInResponder.RespondAsync(context, options, SessionEndCodes.FromReason(ex.Reason), signOut: signedIn).ConfigureAwait(false);
        }
        catch (SessionRequiredException ex) when (!context.Response.HasStarted && IsUsersSession(context, ex))
        {
            context.Response.Clear();
            var code = !signedIn ? SignInResponder.NotSignedInCode(context.Request, options)
                : _sessions.GetSessionKey(context.User) is null ? SessionEndCodes.InvalidUser
                : SessionEndCodes.SessionMissing;
            await SignInResponder.RespondAsync(context, options, code, signOut: signedIn).ConfigureAwait(false);
        }
        catch (SessionKitException ex) when (!context.Response.HasStarted && ex is TokenStoreException { IsTransient: true } or SessionRefreshException { IsTransient: true })
        {
            // The store or the token server is down: nobody's session ended, so nobody is signed out, and no detail is shown.
            context.Response.Clear();
            Log.TemporarilyUnavailable(_sessions.Logger, ex.SessionKey ?? string.Empty, ex.GetType().Name);
            await SignInResponder.RespondUnavailableAsync(context, options, (ex as SessionRefreshException)?.RetryAfter).ConfigureAwait(false);
        }
    }

    /// <summary>Whether <paramref name="ex"/> is about the current user's session (not a session the app named for other work).</summary>
    private bool IsUsersSession(HttpContext context, SessionKitException ex) =>
        ex.SessionKey is null || string.Equals(ex.SessionKey, _sessions.GetSessionKey(context.User), StringComparison.Ordinal);
}
