// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Diagnostics;
using SessionKit.Internal;

namespace SessionKit;

/// <content>The flight table: one refresh in flight per session key, run detached from its callers.</content>
public sealed partial class RefreshCoordinator
{
    private Task<Session> JoinOrStart(string sessionKey, Session basis)
    {
        while (true)
        {
            if (_flights.TryGetValue(sessionKey, out var existing))
            {
                return existing.Task;
            }

            var flight = new TaskCompletionSource<Session>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_flights.TryAdd(sessionKey, flight))
            {
                _ = RunFlightAsync(sessionKey, basis, flight);
                return flight.Task;
            }
        }
    }

    private async Task RunFlightAsync(string sessionKey, Session basis, TaskCompletionSource<Session> flight)
    {
        // The flight belongs to no caller: it runs on the thread pool with its own budget.
        await Task.Yield();
        var started = _timeProvider.GetTimestamp();
        using var activity = SessionKitTelemetry.ActivitySource.StartActivity("sessionkit.refresh");
        string outcomeTag = "succeeded";
        try
        {
            var (session, refreshed) = await RefreshCoreAsync(sessionKey, basis).ConfigureAwait(false);
            outcomeTag = refreshed ? "succeeded" : "not_needed";
            _flights.TryRemove(new KeyValuePair<string, TaskCompletionSource<Session>>(sessionKey, flight));

            // The event fires after the store write and before any waiter resumes, so a caller never sees a session
            // whose SessionRefreshed has not been raised yet.
            if (refreshed)
            {
                Raise(SessionRefreshed, new SessionRefreshedEventArgs(sessionKey, session), nameof(SessionRefreshed));
            }

            flight.TrySetResult(session);
        }
        catch (Exception ex)
        {
            outcomeTag = ex switch
            {
                SessionEndedException => "ended",
                SessionRefreshException { IsTransient: true } => "transient",
                SessionRefreshException => "faulted",
                SessionRequiredException => "no_session",
                _ => "error",
            };
            _flights.TryRemove(new KeyValuePair<string, TaskCompletionSource<Session>>(sessionKey, flight));
            flight.TrySetException(ex);

            // Every waiter may have cancelled: observe the exception so it is never reported as unobserved.
            _ = flight.Task.Exception;
            activity?.SetStatus(ActivityStatusCode.Error, outcomeTag);
        }
        finally
        {
            if (_telemetry.RefreshDuration.Enabled)
            {
                var tags = new TagList { { "sessionkit.refresh.outcome", outcomeTag } };
                if (outcomeTag is not ("succeeded" or "not_needed"))
                {
                    tags.Add("error.type", outcomeTag);
                }

                _telemetry.RefreshDuration.Record(_timeProvider.GetElapsedTime(started).TotalSeconds, tags);
            }

            activity?.SetTag("sessionkit.refresh.outcome", outcomeTag);
        }
    }

    private async Task<(Session Session, bool Refreshed)> RefreshCoreAsync(string sessionKey, Session basis)
    {
        if (Store is not IRefreshLock crossProcess)
        {
            return await RefreshUnderLockAsync(sessionKey, basis).ConfigureAwait(false);
        }

        // Other processes share the store: hold its lock for the whole refresh, and re-read the store once it is held.
        IAsyncDisposable held;
        using (var wait = new CancellationTokenSource(_options.TotalTimeout, _timeProvider))
        {
            try
            {
                held = await crossProcess.AcquireRefreshLockAsync(sessionKey, wait.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
            {
                throw new SessionRefreshException("The session could not be refreshed: another process held the store's refresh lock too long. The session is kept.", ex)
                {
                    SessionKey = sessionKey,
                    IsTransient = true,
                };
            }
        }

        await using (held.ConfigureAwait(false))
        {
            return await RefreshUnderLockAsync(sessionKey, basis).ConfigureAwait(false);
        }
    }
}
