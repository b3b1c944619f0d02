// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using SessionKit.Testing;

namespace SessionKit.Samples.Web;

/// <summary>The whole demo in one process: the embedded GoTrue server, the downstream API and the web app, each on its own loopback port.</summary>
public sealed class WebDemo : IAsyncDisposable
{
    private readonly WebApplication _api;

    private WebDemo(GoTrueTestServer authServer, WebApplication api, Uri apiUrl, WebApplication web, Uri webUrl)
    {
        AuthServer = authServer;
        _api = api;
        ApiUrl = apiUrl;
        Web = web;
        WebUrl = webUrl;
    }

    /// <summary>Gets the embedded token server.</summary>
    public GoTrueTestServer AuthServer { get; }

    /// <summary>Gets the downstream API's address.</summary>
    public Uri ApiUrl { get; }

    /// <summary>Gets the web app.</summary>
    public WebApplication Web { get; }

    /// <summary>Gets the web app's address.</summary>
    public Uri WebUrl { get; }

    /// <summary>Starts the three servers.</summary>
    public static async Task<WebDemo> StartAsync(WebDemoOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var auth = await GoTrueTestServer.StartAsync(options.AuthServer, cancellationToken);
        foreach (var (email, password) in options.Users)
        {
            auth.AddUser(email, password);
        }

        var api = DownstreamApi.Build(auth.ApiUrl);
        await api.StartAsync(cancellationToken);
        var apiUrl = new Uri(api.Urls.First().TrimEnd('/') + "/");
        var web = WebApp.Build(options, auth.AuthUrl, apiUrl);
        await web.StartAsync(cancellationToken);
        var webUrl = new Uri(web.Urls.First().TrimEnd('/') + "/");
        return new WebDemo(auth, api, apiUrl, web, webUrl);
    }

    /// <summary>Stops the three servers.</summary>
    public async ValueTask DisposeAsync()
    {
        await Web.StopAsync();
        await Web.DisposeAsync();
        await _api.StopAsync();
        await _api.DisposeAsync();
        await AuthServer.DisposeAsync();
    }
}
