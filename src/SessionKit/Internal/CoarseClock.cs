// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Internal;

/// <summary>
/// The handler's clock for expiry checks. With <see cref="TimeProvider.System"/> it reads the wall clock at most every
/// 50 ms and extrapolates with <see cref="Environment.TickCount64"/> in between: a few nanoseconds instead of a system call per
/// request, precise enough for refresh margins of seconds. Any other provider (a fake in tests) is read every time.
/// </summary>
internal sealed class CoarseClock
{
    private const long ResyncMilliseconds = 50;
    private readonly TimeProvider _timeProvider;
    private readonly bool _isSystem;
    private Anchor? _anchor;

    public CoarseClock(TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
        _isSystem = ReferenceEquals(timeProvider, TimeProvider.System);
    }

    public DateTimeOffset UtcNow
    {
        get
        {
            if (!_isSystem)
            {
                return _timeProvider.GetUtcNow();
            }

            var ticks = Environment.TickCount64;
            var anchor = Volatile.Read(ref _anchor);
            if (anchor is null || ticks - anchor.Ticks >= ResyncMilliseconds || ticks < anchor.Ticks)
            {
                anchor = new Anchor(ticks, _timeProvider.GetUtcNow());
                Volatile.Write(ref _anchor, anchor);
                return anchor.UtcNow;
            }

            return anchor.UtcNow.AddMilliseconds(ticks - anchor.Ticks);
        }
    }

    private sealed record Anchor(long Ticks, DateTimeOffset UtcNow);
}
