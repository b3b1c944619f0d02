// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace SessionKit.Redis.Tests.Support;

/// <summary>Data Protection on a key ring in a folder, shared by every "instance" (test stores and worker processes), as a farm shares one.</summary>
internal static class TestDataProtection
{
    public const string ApplicationName = "SessionKit.Redis.Tests";

    public static IDataProtectionProvider Create(DirectoryInfo keys) =>
        new ServiceCollection()
            .AddDataProtection().PersistKeysToFileSystem(keys).SetApplicationName(ApplicationName).Services
            .BuildServiceProvider().GetRequiredService<IDataProtectionProvider>();
}
