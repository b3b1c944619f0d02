// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.Extensions.Logging;

namespace SessionKit.AspNetCore.Internal;

/// <summary>
/// The logger SessionKit's core types get in an ASP.NET Core app: it writes each event with the session key replaced by a
/// short hash (<see cref="SessionKeyHash"/>), in the structured value and in the message.
/// </summary>
/// <typeparam name="T">The category type.</typeparam>
internal sealed class KeyHashingLogger<T> : ILogger<T>
{
    private readonly ILogger _inner;

    public KeyHashingLogger(ILoggerFactory loggerFactory) => _inner = loggerFactory.CreateLogger<T>();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => _inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => _inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (state is IReadOnlyList<KeyValuePair<string, object?>> values && RedactedLogState.HasSessionKey(values))
        {
            _inner.Log(logLevel, eventId, new RedactedLogState(values), exception, RedactedLogState.Format);
            return;
        }

        _inner.Log(logLevel, eventId, state, exception, formatter);
    }
}
