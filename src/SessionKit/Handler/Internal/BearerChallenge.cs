// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Net.Http.Headers;

namespace SessionKit.Internal;

/// <summary>
/// Reads the <c>WWW-Authenticate</c> challenges of a 401 (RFC 9110 §11.6.1, RFC 6750 §3) to tell an expired or revoked access
/// token (worth a refresh) from a token that is valid but not enough (<c>insufficient_scope</c>, <c>invalid_request</c>).
/// Handles several headers, several challenges in one header, quoted values with escapes, token68 credentials and other
/// schemes.
/// </summary>
internal static class BearerChallenge
{
    private const string HeaderName = "WWW-Authenticate";

    /// <summary>
    /// Returns whether a 401 with these headers invites a refresh: no challenge at all, no <c>Bearer</c> challenge, or a
    /// <c>Bearer</c> challenge with <c>error="invalid_token"</c> or without an error code.
    /// </summary>
    public static bool InvitesRefresh(HttpResponseHeaders headers, out string? error)
    {
        error = null;
        if (!headers.NonValidated.TryGetValues(HeaderName, out var values))
        {
            return true;
        }

        var sawBearer = false;
        foreach (var value in values)
        {
            var state = new Parser(value);
            while (state.NextChallenge(out var isBearer, out var challengeError))
            {
                if (!isBearer)
                {
                    continue;
                }

                sawBearer = true;
                if (challengeError is null || string.Equals(challengeError, "invalid_token", StringComparison.Ordinal))
                {
                    error = challengeError;
                    return true;
                }

                error ??= challengeError;
            }
        }

        return !sawBearer;
    }

    /// <summary>A cursor over one header value: <c>challenge *( OWS "," OWS challenge )</c>.</summary>
    private ref struct Parser
    {
        private readonly ReadOnlySpan<char> _text;
        private int _pos;

        public Parser(string text)
        {
            _text = text;
            _pos = 0;
        }

        /// <summary>Reads the next challenge: its scheme is Bearer, and its <c>error</c> parameter if any.</summary>
        public bool NextChallenge(out bool isBearer, out string? error)
        {
            isBearer = false;
            error = null;
            SkipSeparators();
            var scheme = ReadToken();
            while (scheme.IsEmpty)
            {
                if (_pos >= _text.Length)
                {
                    return false;
                }

                _pos++; // not a token character: skip it and look again
                SkipSeparators();
                scheme = ReadToken();
            }

            isBearer = scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase);
            SkipWhitespace();
            if (TrySkipToken68())
            {
                return true;
            }

            // auth-params until the next challenge (a token not followed by "=") or the end.
            while (true)
            {
                var save = _pos;
                SkipSeparators();
                var name = ReadToken();
                SkipWhitespace();
                if (name.IsEmpty || _pos >= _text.Length || _text[_pos] != '=')
                {
                    _pos = save;
                    return true;
                }

                _pos++;
                SkipWhitespace();
                var value = ReadValue();
                if (name.Equals("error", StringComparison.OrdinalIgnoreCase))
                {
                    error = value;
                }
            }
        }

        private static bool IsTokenChar(char c) =>
            c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
                or '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';

        private static bool IsToken68Char(char c) =>
            c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '.' or '_' or '~' or '+' or '/';

        /// <summary>Skips a token68 credential (<c>Basic dXNlcg==</c>) if one stands here, i.e. it is followed by the end or a comma.</summary>
        private bool TrySkipToken68()
        {
            var end = _pos;
            while (end < _text.Length && IsToken68Char(_text[end]))
            {
                end++;
            }

            if (end == _pos)
            {
                return false;
            }

            while (end < _text.Length && _text[end] == '=')
            {
                end++;
            }

            var after = end;
            while (after < _text.Length && _text[after] is ' ' or '\t')
            {
                after++;
            }

            if (after < _text.Length && _text[after] != ',')
            {
                return false; // "name=value": an auth-param, not a token68
            }

            _pos = after;
            return true;
        }

        private ReadOnlySpan<char> ReadToken()
        {
            var start = _pos;
            while (_pos < _text.Length && IsTokenChar(_text[_pos]))
            {
                _pos++;
            }

            return _text[start.._pos];
        }

        private string ReadValue()
        {
            if (_pos >= _text.Length || _text[_pos] != '"')
            {
                return ReadToken().ToString();
            }

            _pos++;
            var builder = new System.Text.StringBuilder();
            while (_pos < _text.Length)
            {
                var c = _text[_pos++];
                if (c == '"')
                {
                    break;
                }

                if (c == '\\' && _pos < _text.Length)
                {
                    c = _text[_pos++];
                }

                builder.Append(c);
            }

            return builder.ToString();
        }

        private void SkipWhitespace()
        {
            while (_pos < _text.Length && _text[_pos] is ' ' or '\t')
            {
                _pos++;
            }
        }

        private void SkipSeparators()
        {
            while (_pos < _text.Length && _text[_pos] is ' ' or '\t' or ',')
            {
                _pos++;
            }
        }
    }
}
