// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Net;

namespace SessionKit.Internal;

/// <summary>
/// The redirect rules <see cref="SessionHandler"/> follows, the same as <see cref="HttpClientHandler"/>'s: 300, 301, 302, 303,
/// 307 and 308 with a <c>Location</c>, resolved against the request's URI, inheriting its fragment when the location has none,
/// http and https only, and never from https to http. 303 (except GET and HEAD), and POST answered with 300, 301 or 302,
/// continue as a GET without content.
/// </summary>
internal static class RedirectTarget
{
    /// <summary>Returns whether <paramref name="status"/> is a redirect status that carries a <c>Location</c> to follow.</summary>
    public static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.MultipleChoices
        or HttpStatusCode.MovedPermanently
        or HttpStatusCode.Found
        or HttpStatusCode.SeeOther
        or HttpStatusCode.TemporaryRedirect
        or HttpStatusCode.PermanentRedirect;

    /// <summary>Returns the URI to follow, or <see langword="null"/> when the response is not a redirect that may be followed.</summary>
    public static Uri? Of(Uri? requestUri, HttpResponseMessage response)
    {
        if (!IsRedirect(response.StatusCode) || requestUri is not { IsAbsoluteUri: true } || response.Headers.Location is not { } location)
        {
            return null;
        }

        if (!location.IsAbsoluteUri && !Uri.TryCreate(requestUri, location, out location))
        {
            return null;
        }

        // RFC 9110 §10.2.2: a location without a fragment inherits the request's.
        if (requestUri.Fragment.Length > 0 && location.Fragment.Length == 0)
        {
            location = new UriBuilder(location) { Fragment = requestUri.Fragment }.Uri;
        }

        var toHttps = string.Equals(location.Scheme, Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase);
        if (!toHttps && !string.Equals(location.Scheme, Uri.UriSchemeHttp, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        // Never downgrade from https to http.
        return !toHttps && string.Equals(requestUri.Scheme, Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase) ? null : location;
    }

    /// <summary>Returns whether following <paramref name="status"/> turns the request into a GET without content.</summary>
    public static bool BecomesGet(HttpStatusCode status, HttpMethod method) => status switch
    {
        HttpStatusCode.MultipleChoices or HttpStatusCode.MovedPermanently or HttpStatusCode.Found => method == HttpMethod.Post,
        HttpStatusCode.SeeOther => method != HttpMethod.Get && method != HttpMethod.Head,
        _ => false,
    };

    /// <summary>Returns whether two absolute URIs have the same origin (scheme, host, port).</summary>
    public static bool SameOrigin(Uri a, Uri b) =>
        a.Port == b.Port
        && string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase);
}
