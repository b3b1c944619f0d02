// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Antiforgery;

namespace SessionKit.Samples.Web;

/// <summary>The HTML of the demo's two pages.</summary>
public static class Pages
{
    private const string Style = """
        <style>
          * { box-sizing: border-box; }
          body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: #f3f5f8; color: #1d2733; }
          header { background: #1f3a5f; color: #fff; padding: 14px 28px; display: flex; align-items: center; justify-content: space-between; }
          header h1 { font-size: 18px; margin: 0; font-weight: 600; }
          main { max-width: 760px; margin: 32px auto; padding: 0 20px; }
          .card { background: #fff; border-radius: 10px; box-shadow: 0 1px 3px rgba(0,0,0,.08); padding: 24px 28px; margin-bottom: 18px; }
          label { display: block; font-weight: 600; margin: 12px 0 4px; }
          input[type=email], input[type=password] { width: 100%; padding: 9px 11px; border: 1px solid #c5ccd6; border-radius: 6px; font-size: 15px; }
          button { margin-top: 18px; padding: 9px 18px; border: 0; border-radius: 6px; background: #2563eb; color: #fff; font-size: 15px; cursor: pointer; }
          header button { margin: 0; background: #fff; color: #1f3a5f; }
          .notice { border-left: 4px solid #d97706; background: #fff7e6; padding: 12px 16px; border-radius: 6px; margin-bottom: 18px; }
          .error { border-left: 4px solid #dc2626; background: #fdecec; padding: 12px 16px; border-radius: 6px; margin-bottom: 18px; }
          .grid { display: grid; grid-template-columns: 1fr 1fr; gap: 14px 24px; }
          .k { color: #5b6776; font-size: 13px; text-transform: uppercase; letter-spacing: .04em; }
          .v { font-size: 20px; font-variant-numeric: tabular-nums; }
          .dot { display: inline-block; width: 10px; height: 10px; border-radius: 50%; background: #16a34a; margin-right: 8px; }
          .muted { color: #5b6776; font-size: 13px; }
          code { background: #eef1f5; padding: 1px 5px; border-radius: 4px; }
        </style>
        """;

    /// <summary>The sign-in page, which also shows why a session ended.</summary>
    public static string SignIn(AntiforgeryTokenSet antiforgery, string? reason, string? error)
    {
        ArgumentNullException.ThrowIfNull(antiforgery);
        var notice = reason is null ? string.Empty : $"""<div class="notice" id="reason">{WebUtility.HtmlEncode(reason)}</div>""";
        var problem = error is null ? string.Empty : $"""<div class="error" id="error">{WebUtility.HtmlEncode(error)}</div>""";
        return $$"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Sign in · SessionKit demo</title>{{Style}}</head>
            <body>
              <header><h1>SessionKit demo</h1></header>
              <main>
                {{notice}}{{problem}}
                <div class="card">
                  <h2 style="margin-top:0">Sign in</h2>
                  <form method="post" action="/signin" id="signin">
                    <input type="hidden" name="{{antiforgery.FormFieldName}}" value="{{antiforgery.RequestToken}}">
                    <label for="email">Email</label>
                    <input type="email" id="email" name="email" autocomplete="username" value="ada@example.test">
                    <label for="password">Password</label>
                    <input type="password" id="password" name="password" autocomplete="current-password">
                    <button type="submit" id="submit">Sign in</button>
                  </form>
                  <p class="muted">Demo users: <code>ada@example.test</code> / <code>correct horse battery staple</code>,
                  <code>linus@example.test</code> / <code>open sesame</code>.</p>
                </div>
              </main>
            </body></html>
            """;
    }

    /// <summary>The dashboard, which fetches <c>/api/dashboard</c> every <paramref name="interval"/> and follows a forced sign-out.</summary>
    public static string Dashboard(string name, AntiforgeryTokenSet antiforgery, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(antiforgery);
        var ms = ((int)interval.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        return $$"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Dashboard · SessionKit demo</title>{{Style}}</head>
            <body>
              <header><h1>SessionKit demo · {{WebUtility.HtmlEncode(name)}}</h1>
                <form method="post" action="/signout"><input type="hidden" name="{{antiforgery.FormFieldName}}" value="{{antiforgery.RequestToken}}"><button type="submit" id="signout">Sign out</button></form>
              </header>
              <main>
                <div class="card">
                  <p style="margin-top:0"><span class="dot" id="live"></span><strong>Live data from the downstream API</strong>, fetched every {{ms}} ms for you through SessionKit.</p>
                  <div class="grid">
                    <div><div class="k">API answered for user</div><div class="v" id="apiUser">…</div></div>
                    <div><div class="k">API requests served</div><div class="v" id="served">…</div></div>
                    <div><div class="k">Access token version</div><div class="v" id="version">…</div></div>
                    <div><div class="k">Token expires in</div><div class="v" id="expires">…</div></div>
                    <div><div class="k">Updates in this tab</div><div class="v" id="updates">0</div></div>
                    <div><div class="k">Last update (server time)</div><div class="v" id="at">…</div></div>
                  </div>
                </div>
                <p class="muted">The tokens live on the server, in SessionKit's store; the cookie holds who you are, not your tokens.
                Every tab shares one refresh per rotation. If the session ends (reuse detected, signed out elsewhere), every tab lands
                on the sign-in page with the reason.</p>
              </main>
              <script>
                let updates = 0;
                async function tick() {
                  try {
                    const r = await fetch('/api/dashboard', { headers: { 'Accept': 'application/json' }, cache: 'no-store' });
                    if (r.status === 401) {
                      const body = await r.json();
                      location.href = body.signInUrl;
                      return;
                    }
                    if (r.ok) {
                      const d = await r.json();
                      updates++;
                      document.getElementById('apiUser').textContent = d.apiUser;
                      document.getElementById('served').textContent = d.served;
                      document.getElementById('version').textContent = d.tokenVersion;
                      document.getElementById('expires').textContent = (d.tokenExpiresInMs / 1000).toFixed(1) + ' s';
                      document.getElementById('updates').textContent = updates;
                      document.getElementById('at').textContent = d.at.substring(11, 23);
                      document.body.dataset.at = d.at;
                      document.body.dataset.user = d.apiUser;
                      document.body.dataset.updates = updates;
                    }
                  } catch (e) { }
                  setTimeout(tick, {{ms}});
                }
                tick();
              </script>
            </body></html>
            """;
    }
}
