// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace SessionKit.Internal;

/// <summary>
/// Who a store file belongs to: a stable machine id and the OS user id (uid on Unix, SID on Windows). Never a host or domain
/// name, which change when a host is renamed, a container restarts or a laptop changes network.
/// </summary>
/// <param name="MachineId">
/// Linux <c>/etc/machine-id</c> (or <c>/var/lib/dbus/machine-id</c>), macOS IOPlatformUUID, Windows MachineGuid; empty when
/// the machine has none, and then the binding is to the user alone.
/// </param>
/// <param name="UserId">The OS user id.</param>
/// <param name="LegacyIdentity">What format 1 hashed (machine, user name and host or domain name), to recognise its files.</param>
internal sealed record OwnerIdentity(string MachineId, string UserId, string LegacyIdentity)
{
    private static readonly Lazy<OwnerIdentity> CurrentIdentity = new(Discover);

    /// <summary>Gets the identity of this process, read once.</summary>
    public static OwnerIdentity Current => CurrentIdentity.Value;

    /// <summary>Gets the hash of the machine id written into the file (and authenticated).</summary>
    public string MachineHash => Hash("machine:" + MachineId);

    /// <summary>Gets the hash of the user id written into the file (and authenticated).</summary>
    public string UserHash => Hash("user:" + UserId);

    /// <summary>Gets the owner hash format 1 wrote for this identity.</summary>
    public string LegacyOwnerHash => Hash(LegacyIdentity);

    private static string Hash(string identity) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes("sessionkit-owner:" + identity))).ToLowerInvariant();

    private static OwnerIdentity Discover()
    {
        var machineId = ReadMachineId();
        string userId;
        if (OperatingSystem.IsWindows())
        {
            using var identity = System.Security.Principal.WindowsIdentity.GetCurrent();
            userId = identity.User?.Value ?? Environment.UserName;
        }
        else
        {
            userId = "uid:" + Posix.GetUid().ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var legacyMachine = File.Exists("/etc/machine-id") ? machineId : Environment.MachineName;
        return new OwnerIdentity(machineId, userId, $"machine={legacyMachine};user={Environment.UserName};domain={Environment.UserDomainName}");
    }

    private static string ReadMachineId()
    {
        try
        {
            if (OperatingSystem.IsWindows())
            {
                using var hive = Microsoft.Win32.RegistryKey.OpenBaseKey(Microsoft.Win32.RegistryHive.LocalMachine, Microsoft.Win32.RegistryView.Registry64);
                using var key = hive.OpenSubKey(@"SOFTWARE\Microsoft\Cryptography");
                return key?.GetValue("MachineGuid") as string ?? string.Empty;
            }

            if (OperatingSystem.IsMacOS())
            {
                return ReadPlatformUuid();
            }

            foreach (var file in (ReadOnlySpan<string>)["/etc/machine-id", "/var/lib/dbus/machine-id"])
            {
                if (File.Exists(file) && File.ReadAllText(file).Trim() is { Length: > 0 } id)
                {
                    return id;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.SecurityException or System.ComponentModel.Win32Exception)
        {
            // No readable machine id: bind to the user alone.
        }

        return string.Empty;
    }

    private static string ReadPlatformUuid()
    {
        var start = new ProcessStartInfo("/usr/sbin/ioreg") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in (ReadOnlySpan<string>)["-rd1", "-c", "IOPlatformExpertDevice"])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start);
        if (process is null)
        {
            return string.Empty;
        }

        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        foreach (var line in output.Split('\n'))
        {
            if (line.Contains("\"IOPlatformUUID\"", StringComparison.Ordinal))
            {
                var parts = line.Split('"');
                return parts.Length >= 4 ? parts[3] : string.Empty;
            }
        }

        return string.Empty;
    }
}
