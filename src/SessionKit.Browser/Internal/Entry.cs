// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Browser.Internal;

/// <summary>
/// One decoded web-storage entry and the raw text it came from. The raw text is what the compare-and-set compares, and what
/// lets a read skip decoding when nothing changed since the last one.
/// </summary>
internal sealed class Entry
{
    public static readonly Entry Empty = new(null, null, null, null);

    public Entry(string? raw, Session? session, SessionEnd? end, string? writer)
    {
        Raw = raw;
        Session = session;
        End = end;
        Writer = writer;
    }

    public string? Raw { get; }

    public Session? Session { get; }

    public SessionEnd? End { get; }

    public string? Writer { get; }
}
