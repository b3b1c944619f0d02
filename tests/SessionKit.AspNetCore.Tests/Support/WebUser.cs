// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace SessionKit.AspNetCore.Tests.Support;

/// <summary>One user of the demo web app over real HTTP, with its own cookie jar (a browser without JavaScript).</summary>
internal sealed partial class WebUser : IDisposable
{
    private readonly HttpClient _http;

    public WebUser(Uri webUrl, string email, string password, string userId)
    {
        Cookies = new CookieContainer();
        Email = email;
        Password = password;
        UserId = userId;
        _http = new HttpClient(new SocketsHttpHandler { CookieContainer = Cookies, AllowAutoRedirect = false, MaxConnectionsPerServer = 64 })
        {
            BaseAddress = webUrl,
        };
    }

    public CookieContainer Cookies { get; }

    public string Email { get; }

    public string Password { get; }

    public string UserId { get; }

    public Uri BaseAddress => _http.BaseAddress!;

    public Cookie? AuthCookie => Cookies.GetCookies(BaseAddress).FirstOrDefault(c => c.Name == Samples.Web.WebApp.CookieName);

    public async Task<HttpResponseMessage> SignInAsync(string? password = null)
    {
        var page = await _http.GetStringAsync("signin");
        var token = AntiforgeryField().Match(page).Groups["token"].Value;
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["email"] = Email,
            ["password"] = password ?? Password,
        });
        return await _http.PostAsync("signin", form);
    }

    public async Task SignOutAsync()
    {
        var page = await _http.GetStringAsync(string.Empty);
        var token = AntiforgeryField().Match(page).Groups["token"].Value;
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token });
        using var response = await _http.PostAsync("signout", form);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
    }

    /// <summary>GET /api/dashboard as the page's fetch does (Accept: application/json).</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> DashboardAsync(CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/dashboard");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        var response = await _http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        using var doc = JsonDocument.Parse(text.Length == 0 ? "{}" : text);
        return (response.StatusCode, doc.RootElement.Clone(), response);
    }

    /// <summary>GET a page as a browser navigation does (Accept: text/html).</summary>
    public async Task<HttpResponseMessage> PageAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        return await _http.SendAsync(request);
    }

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"(?<token>[^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
