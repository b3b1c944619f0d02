// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Collections;
using System.Globalization;
using System.Text;

namespace SessionKit.AspNetCore.Internal;

/// <summary>The structured state of a log event with its session key replaced by <see cref="SessionKeyHash"/>, and the message rendered again from the template.</summary>
internal sealed class RedactedLogState : IReadOnlyList<KeyValuePair<string, object?>>
{
    public const string SessionKeyName = "SessionKey";
    private const string OriginalFormatName = "{OriginalFormat}";

    private readonly KeyValuePair<string, object?>[] _values;

    public RedactedLogState(IReadOnlyList<KeyValuePair<string, object?>> values)
    {
        _values = new KeyValuePair<string, object?>[values.Count];
        for (var i = 0; i < values.Count; i++)
        {
            var pair = values[i];
            _values[i] = pair.Key == SessionKeyName ? new(pair.Key, SessionKeyHash.Of(pair.Value?.ToString())) : pair;
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

    private object? Find(string name)
    {
        foreach (var pair in _values)
        {
            if (pair.Key == name)
            {
                return pair.Value;
            }
        }

        return null;
    }
}
