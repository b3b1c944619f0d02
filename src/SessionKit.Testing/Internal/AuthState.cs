// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Security.Cryptography;

namespace SessionKit.Testing.Internal;

/// <summary>
/// Users, sessions and refresh tokens, with GoTrue's v1 rotation rules (spec section 5.2). One lock serialises every grant,
/// as GoTrue's row locks do for one session.
/// </summary>
internal sealed class AuthState
{
    private const string TokenAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    private readonly object _gate = new();
    private readonly Dictionary<string, TestUser> _usersByEmail = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, TestSession> _sessions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RefreshTokenRow> _tokens = new(StringComparer.Ordinal);
    private readonly GoTrueTestServerOptions _options;

    public AuthState(GoTrueTestServerOptions options)
    {
        _options = options;
    }

    public int SessionCount
    {
        get
        {
            lock (_gate)
            {
                return _sessions.Count;
            }
        }
    }

    public string AddUser(string email, string password)
    {
        lock (_gate)
        {
            if (_usersByEmail.TryGetValue(email, out var existing))
            {
                return existing.Id;
            }

            var user = new TestUser { Id = Guid.NewGuid().ToString(), Email = email, Password = password };
            _usersByEmail[email] = user;
            return user.Id;
        }
    }

    public string? PasswordOf(string email)
    {
        lock (_gate)
        {
            return _usersByEmail.TryGetValue(email, out var user) ? user.Password : null;
        }
    }

    public void SetBanned(string email, bool banned)
    {
        lock (_gate)
        {
            _usersByEmail[email].Banned = banned;
        }
    }

    public RefreshResult SignIn(string? email, string? password, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (email is null || password is null || !_usersByEmail.TryGetValue(email, out var user)
                || !CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(user.Password), System.Text.Encoding.UTF8.GetBytes(password)))
            {
                return RefreshResult.Error("invalid_credentials", "Invalid login credentials");
            }

            if (user.Banned)
            {
                return RefreshResult.Error("user_banned", "User is banned");
            }

            var session = new TestSession { Id = Guid.NewGuid().ToString(), User = user, CreatedAt = now };
            _sessions[session.Id] = session;
            return RefreshResult.Issue(NewToken(session, parent: null, now));
        }
    }

    public RefreshResult Refresh(string? token, DateTimeOffset now)
    {
        if (!IsWellFormed(token))
        {
            return RefreshResult.Error("validation_failed", "Refresh token is not valid");
        }

        lock (_gate)
        {
            if (!_tokens.TryGetValue(token!, out var row))
            {
                return RefreshResult.Error("refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found");
            }

            var session = row.Session;
            if (!_sessions.ContainsKey(session.Id))
            {
                _tokens.Remove(row.Token);
                return RefreshResult.Error("session_not_found", "Invalid Refresh Token: No Valid Session Found");
            }

            if (session.User.Banned)
            {
                return RefreshResult.Error("user_banned", "Invalid Refresh Token: User Banned");
            }

            if (_options.SessionTimebox is { } timebox && session.CreatedAt + timebox < now)
            {
                return RefreshResult.Error("session_expired", "Invalid Refresh Token: Session Expired");
            }

            if (_options.InactivityTimeout is { } inactivity)
            {
                var last = session.RefreshedAt ?? (row.UpdatedAt > session.CreatedAt ? row.UpdatedAt : session.CreatedAt);
                if (last + inactivity < now)
                {
                    return RefreshResult.Error("session_expired", "Invalid Refresh Token: Session Expired (Inactivity)");
                }
            }

            // Case 1: the token is live. Rotate it.
            if (!row.Revoked)
            {
                row.Revoked = true;
                row.UpdatedAt = now;
                session.RefreshedAt = now;
                return RefreshResult.Issue(NewToken(session, row.Token, now));
            }

            // Case 2: the token is the parent of the active one (a lost or unsaved response). Accepted with no time limit.
            if (session.Active is { } active && active.Parent == row.Token)
            {
                session.RefreshedAt = now;
                return RefreshResult.Issue(active);
            }

            // Case 3: within the reuse interval of its exchange. A new branch.
            if (now <= row.UpdatedAt + _options.ReuseInterval)
            {
                session.RefreshedAt = now;
                return RefreshResult.Issue(NewToken(session, row.Token, now));
            }

            // Case 4: reuse. Revoke the family (committed although the request fails).
            if (_options.RevokeFamilyOnReuse)
            {
                foreach (var t in session.Tokens.Where(t => !t.Revoked))
                {
                    t.Revoked = true;
                    t.UpdatedAt = now;
                }
            }

            return RefreshResult.Error("refresh_token_already_used", "Invalid Refresh Token: Already Used");
        }
    }

    /// <summary>Deletes sessions for a sign-out: the session, all of the user's, or all but the session.</summary>
    public void SignOut(string sessionId, string scope)
    {
        lock (_gate)
        {
            if (!_sessions.TryGetValue(sessionId, out var session))
            {
                return;
            }

            var victims = scope switch
            {
                "local" => [session],
                "others" => _sessions.Values.Where(s => s.User == session.User && s != session).ToList(),
                _ => _sessions.Values.Where(s => s.User == session.User).ToList(),
            };
            foreach (var victim in victims)
            {
                DeleteSessionLocked(victim);
            }
        }
    }

    public bool DeleteSession(string sessionId)
    {
        lock (_gate)
        {
            if (!_sessions.TryGetValue(sessionId, out var session))
            {
                return false;
            }

            DeleteSessionLocked(session);
            return true;
        }
    }

    public bool SessionExists(string sessionId)
    {
        lock (_gate)
        {
            return _sessions.ContainsKey(sessionId);
        }
    }

    public string? ActiveRefreshToken(string sessionId)
    {
        lock (_gate)
        {
            return _sessions.TryGetValue(sessionId, out var session) ? session.Active?.Token : null;
        }
    }

    private static bool IsWellFormed(string? token) =>
        token is { Length: 12 } && token.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9'));

    private void DeleteSessionLocked(TestSession session)
    {
        _sessions.Remove(session.Id);
        foreach (var t in session.Tokens)
        {
            _tokens.Remove(t.Token);
        }
    }

    private RefreshTokenRow NewToken(TestSession session, string? parent, DateTimeOffset now)
    {
        string token;
        do
        {
            token = RandomNumberGenerator.GetString(TokenAlphabet, 12);
        }
        while (_tokens.ContainsKey(token));

        var row = new RefreshTokenRow { Token = token, Session = session, Parent = parent, CreatedAt = now, UpdatedAt = now };
        _tokens[token] = row;
        session.Tokens.Add(row);
        return row;
    }
}
