// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Collections;
using System.Globalization;
using System.Text;

namespace SessionKit.Internal;

/// <summary>
/// The structured state of a log event with its session key replaced by <see cref="SessionKeyHash"/> (also inside the names of
/// kept-aside entries, which embed it), and the message rendered again from the template.
/// </summary>
/// <remarks>Also compiled into the other SessionKit packages (linked source).</remarks>
internal sealed class RedactedLogState : IReadOnlyList<KeyValuePair<string, object?>>
{
    public const string SessionKeyName = "SessionKey";
    private const string OriginalFormatName = "{OriginalFormat}";

    private readonly KeyValuePair<string, object?>[] _values;

    public RedactedLogState(IReadOnlyList<KeyValuePair<string, object?>> values)
    {
        var key = Find(values, SessionKeyName)?.ToString();
        var hash = SessionKeyHash.Of(key);
        _values = new KeyValuePair<string, object?>[values.Count];
        for (var i = 0; i < values.Count; i++)
        {
            var pair = values[i];
            _values[i] = pair.Key == SessionKeyName
                ? new(pair.Key, hash)
                : IsKeyBearing(pair.Key) && pair.Value is string text && !string.IsNullOrEmpty(key) && text.Contains(key, StringComparison.Ordinal)
                    ? new(pair.Key, text.Replace(key, hash, StringComparison.Ordinal))
                    : pair;
        }
    }

    public int Count => _values.Length;

    public KeyValuePair<string, object?> this[int index] => _values[index];

    public static bool HasSessionKey(IReadOnlyList<KeyValuePair<string, object?>> values)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i].Key == SessionKeyName)
            {
                return true;
            }
        }

        return false;
    }

    public static string Format(RedactedLogState state, Exception? exception) => state.ToString();

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)_values).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Renders the message template (<c>{Name}</c>, <c>{Name:format}</c>, <c>{{</c> and <c>}}</c>) with the redacted values.</summary>
    public override string ToString()
    {
        var template = Find(OriginalFormatName) as string;
        if (template is null)
        {
            return string.Empty;
        }

        var text = new StringBuilder(template.Length + 32);
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if (c == '{' && i + 1 < template.Length && template[i + 1] == '{')
            {
                text.Append('{');
                i++;
            }
            else if (c == '}' && i + 1 < template.Length && template[i + 1] == '}')
            {
                text.Append('}');
                i++;
            }
            else if (c == '{' && template.IndexOf('}', i) is var close and > 0)
            {
                var hole = template.AsSpan(i + 1, close - i - 1);
                var cut = hole.IndexOfAny(',', ':');
                var name = (cut < 0 ? hole : hole[..cut]).ToString();
                var format = cut >= 0 && hole[cut] == ':' ? hole[(cut + 1)..].ToString() : null;
                text.Append(Render(Find(name), format));
                i = close;
            }
            else
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }

    private static string Render(object? value, string? format) => value switch
    {
        null => "(null)",
        IFormattable formattable => formattable.ToString(format, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    /// <summary>
    /// Returns whether a value may embed the session key: the name of a storage entry that holds the session (an entry kept
    /// aside is named after the key). Such values show the hash in place of the key.
    /// </summary>
    private static bool IsKeyBearing(string name) => name.StartsWith("KeptAside", StringComparison.Ordinal);

    private static object? Find(IReadOnlyList<KeyValuePair<string, object?>> values, string name)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i].Key == name)
            {
                return values[i].Value;
            }
        }

        return null;
    }

    private object? Find(string name) => Find(_values, name);
}
