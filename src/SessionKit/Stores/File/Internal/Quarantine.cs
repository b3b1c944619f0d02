// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Internal;

/// <summary>Moves an unusable store file aside for inspection, as <c>&lt;file&gt;.&lt;problem&gt;-&lt;yyyyMMddHHmmssfff&gt;</c>.</summary>
internal static class Quarantine
{
    /// <summary>Where the file went, or <see langword="null"/> when it could not be moved (another process may have moved it).</summary>
    public static string? MoveAside(string path, TokenStoreProblem problem, DateTimeOffset now)
    {
        var aside = $"{path}.{problem.ToString().ToLowerInvariant()}-{now:yyyyMMddHHmmssfff}";
        try
        {
            File.Move(path, aside, overwrite: false);
            return aside;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
