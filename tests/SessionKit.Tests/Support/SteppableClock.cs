// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.Extensions.Time.Testing;

namespace SessionKit.Tests.Support;

/// <summary>
/// A clock whose wall time can be stepped (back or forward, as NTP or an administrator does) while its monotonic timestamp
/// and timers keep running on the underlying <see cref="FakeTimeProvider"/>. FakeTimeProvider alone moves both together and
/// refuses to go back.
/// </summary>
internal sealed class SteppableClock(FakeTimeProvider inner) : TimeProvider
{
    private TimeSpan _step;

    public FakeTimeProvider Inner { get; } = inner;

    public override long TimestampFrequency => Inner.TimestampFrequency;

    /// <summary>Steps the wall clock by <paramref name="step"/>; the monotonic clock does not move.</summary>
    public void StepWallClock(TimeSpan step) => _step += step;

    /// <summary>Lets time pass: both clocks move.</summary>
    public void Advance(TimeSpan delta) => Inner.Advance(delta);

    public override DateTimeOffset GetUtcNow() => Inner.GetUtcNow() + _step;

    public override long GetTimestamp() => Inner.GetTimestamp();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        Inner.CreateTimer(callback, state, dueTime, period);
}
