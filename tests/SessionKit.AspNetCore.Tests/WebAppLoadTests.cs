// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using SessionKit.AspNetCore.Tests.Support;
using SessionKit.Samples.Web;

namespace SessionKit.AspNetCore.Tests;

/// <summary>
/// The demo web app over Kestrel with many users at once: 100 users, 8 parallel requests each, 2-second tokens, for 20 s by
/// default (about ten rotations per user); SESSIONKIT_WEB_SECONDS changes the length.
/// </summary>
[TestFixture]
[NonParallelizable]
[CancelAfter(120_000)]
public sealed class WebAppLoadTests
{
    private const int Users = 100;
    private const int ParallelPerUser = 8;

    private static TimeSpan Duration =>
        TimeSpan.FromSeconds(int.TryParse(Environment.GetEnvironmentVariable("SESSIONKIT_WEB_SECONDS"), CultureInfo.InvariantCulture, out var s) ? s : 20);

    [Test]
    public async Task Dashboard_HundredUsersEightParallelRequests_EachSeesOwnTokenOneRefreshPerRotationNoReuse()
    {
        await using var demo = await DemoHost.StartAsync(TimeSpan.FromSeconds(2));
        var coordinator = demo.Web.Services.GetRequiredService<RefreshCoordinator>();
        var refreshesByKey = new ConcurrentDictionary<string, int>();
        coordinator.SessionRefreshed += (_, e) => refreshesByKey.AddOrUpdate(e.SessionKey, 1, (_, n) => n + 1);
        var users = Enumerable.Range(0, Users).Select(i =>
        {
            var email = $"user{i:000}@example.test";
            var id = demo.AuthServer.AddUser(email, $"pw-{i}");
            return new WebUser(demo.WebUrl, email, $"pw-{i}", id);
        }).ToArray();
        try
        {
            // 100 users sign in at once.
            var signIns = await Task.WhenAll(users.Select(async u => (await u.SignInAsync()).StatusCode));
            Assert.That(signIns, Is.All.EqualTo(HttpStatusCode.Redirect));

            long ok = 0, wrongUser = 0, failed = 0;
            var failures = new ConcurrentQueue<string>();
            var stop = Stopwatch.StartNew();
            await Task.WhenAll(users.SelectMany(u => Enumerable.Range(0, ParallelPerUser).Select(async _ =>
            {
                while (stop.Elapsed < Duration)
                {
                    var (status, body, response) = await u.DashboardAsync();
                    response.Dispose();
                    if (status != HttpStatusCode.OK)
                    {
                        Interlocked.Increment(ref failed);
                        failures.Enqueue($"{status}: {body}");
                    }
                    else if (body.GetProperty("apiUser").GetString() != u.UserId)
                    {
                        Interlocked.Increment(ref wrongUser);
                    }
                    else
                    {
                        Interlocked.Increment(ref ok);
                    }
                }
            })));

            var counters = demo.AuthServer.Counters;
            var store = demo.Store();
            var versions = await Task.WhenAll(users.Select(async u => (await store.GetAsync(demo.KeyOf(u), CancellationToken.None))!.Version));
            // Tokens are refreshed at half their lifetime; on a loaded machine fewer rounds fit, so ask for several, not all.
            var minRotations = 2;
            TestContext.Out.WriteLine($"{ok} requests OK in {Duration.TotalSeconds} s; refresh calls {counters.RefreshRequests}, rotations stored {versions.Sum()}, per user {versions.Min()}..{versions.Max()}, max concurrent refreshes {counters.MaxConcurrentRefreshes}");
            Assert.Multiple(() =>
            {
                Assert.That(failed, Is.Zero, "every request answered 200; first failures: " + string.Join(" | ", failures.Take(3)));
                Assert.That(wrongUser, Is.Zero, "the API always saw the request's own user's token");
                Assert.That(ok, Is.GreaterThan(Users * ParallelPerUser));
                Assert.That(counters.Rejections, Is.Empty, "no refresh token was ever reused or rejected");
                Assert.That(counters.RefreshRequests, Is.EqualTo(versions.Sum()), "one refresh call per stored rotation");
                Assert.That(versions, Is.All.GreaterThanOrEqualTo(minRotations), "each user's token rotated several times");
                Assert.That(users.Select(u => refreshesByKey.GetValueOrDefault(demo.KeyOf(u))), Is.EqualTo(versions), "one refresh per user per rotation");
            });

            AssertCookieHoldsNoToken(demo, users[0], await store.GetAsync(demo.KeyOf(users[0]), CancellationToken.None));
        }
        finally
        {
            foreach (var user in users)
            {
                user.Dispose();
            }
        }
    }

    private static void AssertCookieHoldsNoToken(WebDemo demo, WebUser user, Session? session)
    {
        var cookie = user.AuthCookie!;
        var ticket = demo.CookieFormat().Unprotect(cookie.Value)!;
        var everything = new StringBuilder();
        foreach (var claim in ticket.Principal.Claims)
        {
            everything.Append(claim.Type).Append('=').Append(claim.Value).Append('\n');
        }

        foreach (var item in ticket.Properties.Items)
        {
            everything.Append(item.Key).Append('=').Append(item.Value).Append('\n');
        }

        var content = everything.ToString();
        TestContext.Out.WriteLine($"auth cookie: {cookie.Value.Length} characters; content:\n{content}");
        Assert.Multiple(() =>
        {
            Assert.That(ticket.Principal.Claims.Select(c => c.Type), Is.EquivalentTo(new[] { "sub", "sid", System.Security.Claims.ClaimTypes.Name }));
            Assert.That(ticket.Properties.Items.Keys, Has.None.StartsWith(".Token"));
            Assert.That(content, Does.Not.Contain(session!.AccessToken).And.Not.Contain(session.RefreshToken!));
            Assert.That(content, Does.Not.Contain("eyJ"), "no JWT anywhere in the ticket");
            Assert.That(cookie.Value.Length, Is.LessThan(session.AccessToken.Length), "the cookie is smaller than one access token");
        });
    }
}
