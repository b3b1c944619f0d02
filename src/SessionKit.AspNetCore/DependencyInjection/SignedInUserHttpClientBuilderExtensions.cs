// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using SessionKit;
using SessionKit.AspNetCore;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Makes an <see cref="HttpClient"/> with a <see cref="SessionHandler"/> act for the signed-in user.</summary>
public static class SignedInUserHttpClientBuilderExtensions
{
    /// <summary>
    /// Sends each request with the session of the user signed in to the current HTTP request (<c>HttpContext.User</c>, read
    /// through <see cref="Microsoft.AspNetCore.Http.IHttpContextAccessor"/>), keyed as <see cref="SignedInUserSessions.GetSessionKey"/> says.
    /// A request marked with <c>request.SetSessionKey(key)</c> uses that key instead (background work).
    /// </summary>
    /// <param name="builder">The HttpClient builder, after <c>AddSessionHandler</c>.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <remarks>
    /// A request with no authenticated user, a user without a subject claim, or one made outside an HTTP request without a
    /// key fails with <see cref="SessionRequiredException"/> saying which; it never falls back to another session. Registers
    /// <c>AddSessionKitAspNetCore</c>'s services if they are not registered yet.
    /// </remarks>
    public static IHttpClientBuilder UseSignedInUserSession(this IHttpClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSessionKitAspNetCore();
        builder.Services.AddOptions<SessionHandlerOptions>(builder.Name)
            .Configure<SignedInUserSessions>((options, sessions) => options.SessionKeySelector = sessions.SelectKey);
        return builder;
    }
}
