// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.AspNetCore.Tests.Support;

/// <summary>Finds the repository checkout the tests were built from.</summary>
internal static class RepositoryRoot
{
    public static string Path
    {
        get
        {
            var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
            while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "SessionKit.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("SessionKit.sln not found above the test directory.");
        }
    }
}
