// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace SessionKit.Internal;

/// <summary>
/// How SessionKit's components log session keys: every event's <c>SessionKey</c> value is replaced by
/// <see cref="SessionKeyHash"/>, unless the app set <see cref="SessionKitOptions.LogSessionKeys"/>.
/// </summary>
/// <remarks>
/// Each component passes the logger it is given through <see cref="Protect"/>, so keys are hashed whether the component came
/// from dependency injection or was constructed by hand. Only the registrations of <c>AddSessionKit</c> and the packages'
/// builder extensions can turn hashing off (<see cref="Create{T}"/>). Also compiled into the other SessionKit packages (linked
/// source): the marker type is internal to each assembly, and each package registers only its own components.
/// </remarks>
internal static class SessionKeyLogging
{
    /// <summary>Returns the logger a component writes to: <paramref name="logger"/> hashing session keys, unless it came from <see cref="Create{T}"/> with raw keys allowed.</summary>
    /// <param name="logger">The logger the component was given, or <see langword="null"/>.</param>
    /// <returns>A logger that never writes a raw session key unless the app asked for it.</returns>
    public static ILogger Protect(ILogger? logger) => logger switch
    {
        null => NullLogger.Instance,
        IRawSessionKeyLogger raw => raw.Inner,
        KeyHashingLogger or NullLogger => logger,
        _ => new KeyHashingLogger(logger),
    };

    /// <summary>Returns the logger dependency injection passes to a component of category <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The component.</typeparam>
    /// <param name="services">The app's services.</param>
    /// <returns>The registered logger, marked to keep raw keys when <see cref="SessionKitOptions.LogSessionKeys"/> is set; <see langword="null"/> without logging.</returns>
    public static ILogger<T>? Create<T>(IServiceProvider services)
    {
        var logger = services.GetService<ILogger<T>>();
        var rawKeys = services.GetService<IOptions<SessionKitOptions>>()?.Value.LogSessionKeys ?? false;
        return logger is null || !rawKeys ? logger : new RawSessionKeyLogger<T>(logger);
    }

    /// <summary>A logger the app allowed to see raw session keys.</summary>
    private interface IRawSessionKeyLogger
    {
        ILogger Inner { get; }
    }

    /// <summary>Marks a logger as allowed to see raw session keys; <see cref="Protect"/> unwraps it.</summary>
    private sealed class RawSessionKeyLogger<T>(ILogger inner) : ILogger<T>, IRawSessionKeyLogger
    {
        public ILogger Inner { get; } = inner;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => Inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => Inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Inner.Log(logLevel, eventId, state, exception, formatter);
    }
}
