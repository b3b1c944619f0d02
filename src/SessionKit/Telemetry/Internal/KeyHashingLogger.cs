// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.Extensions.Logging;

namespace SessionKit.Internal;

/// <summary>
/// Writes each event with its <c>SessionKey</c> value replaced by <see cref="SessionKeyHash"/>, in the structured state and in
/// the rendered message; events without a session key pass through unchanged.
/// </summary>
/// <remarks>Also compiled into the other SessionKit packages (linked source).</remarks>
internal sealed class KeyHashingLogger(ILogger inner) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (state is IReadOnlyList<KeyValuePair<string, object?>> values && RedactedLogState.HasSessionKey(values))
        {
            inner.Log(logLevel, eventId, new RedactedLogState(values), exception, RedactedLogState.Format);
            return;
        }

        inner.Log(logLevel, eventId, state, exception, formatter);
    }
}
