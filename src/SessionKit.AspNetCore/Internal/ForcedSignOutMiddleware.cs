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
        if (signedIn && await _sessions.FindEndAsync(context.User, context.RequestAborted).ConfigureAwait(false) is { } ended)
        {
            await SignInResponder.RespondAsync(context, options, ended, signOut: true).ConfigureAwait(false);
            return;
        }

        try
        {
            await _next(context).ConfigureAwait(false);
        }
        catch (SessionEndedException ex) when (!context.Response.HasStarted)
        {
            context.Response.Clear();
            await SignInResponder.RespondAsync(context, options, SessionEndCodes.FromReason(ex.Reason), signOut: signedIn).ConfigureAwait(false);
        }
        catch (SessionRequiredException) when (!context.Response.HasStarted)
        {
            context.Response.Clear();
            var code = !signedIn ? SignInResponder.NotSignedInCode(context.Request, options)
                : _sessions.GetSessionKey(context.User) is null ? SessionEndCodes.InvalidUser
                : SessionEndCodes.SessionMissing;
            await SignInResponder.RespondAsync(context, options, code, signOut: signedIn).ConfigureAwait(false);
        }
    }
}
