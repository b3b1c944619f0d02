// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SessionKit.Redis.Tests.Support;

/// <summary>
/// A real <c>redis-server</c> started by the test itself on a free loopback port with a temporary directory (AOF on, fsync
/// always), stopped by PID. It can be killed (SIGKILL) and started again on the same port and data.
/// </summary>
internal sealed class RedisServer : IAsyncDisposable
{
    public const string InstallHint = "redis-server is not installed: run `apt-get update && apt-get install -y redis-server` (.ci/run does it when missing).";

    private Process? _process;

    private RedisServer(string executable, int port, DirectoryInfo dir)
    {
        Executable = executable;
        Port = port;
        Directory = dir;
    }

    public string Executable { get; }

    public int Port { get; }

    public DirectoryInfo Directory { get; }

    public string Configuration => $"127.0.0.1:{Port}";

    public int? Pid => _process is { HasExited: false } p ? p.Id : null;

    /// <summary>Starts a server, or marks the test ignored (with the install command) when <c>redis-server</c> is missing.</summary>
    public static async Task<RedisServer> StartAsync()
    {
        var executable = Find() ?? throw new IgnoreException(InstallHint);
        var server = new RedisServer(executable, FreePort(), System.IO.Directory.CreateTempSubdirectory("sessionkit-redis-"));
        await server.StartProcessAsync();
        return server;
    }

    /// <summary>SIGKILLs the server: no shutdown, no save beyond what the AOF already holds.</summary>
    public async Task KillAsync()
    {
        if (_process is { } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
            process.Dispose();
            _process = null;
        }
    }

    /// <summary>Starts the server again on the same port and directory (it replays its AOF).</summary>
    public Task RestartAsync() => StartProcessAsync();

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        try
        {
            Directory.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Sends one command in the inline protocol and returns the first line of the reply.</summary>
    public async Task<string> CommandAsync(string command)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\r\n"));
        var buffer = new byte[4096];
        var read = await stream.ReadAsync(buffer);
        return Encoding.ASCII.GetString(buffer, 0, read).Split("\r\n")[0];
    }

    private static string? Find()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator).Append("/usr/bin").Append("/usr/sbin"))
        {
            var candidate = Path.Combine(dir, "redis-server");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task StartProcessAsync()
    {
        var start = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[]
        {
            "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", Directory.FullName,
            "--save", string.Empty, "--appendonly", "yes", "--appendfsync", "always", "--daemonize", "no", "--protected-mode", "no",
        })
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start)!;
        _process.OutputDataReceived += static (_, _) => { };
        _process.ErrorDataReceived += static (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var started = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (await CommandAsync("PING") == "+PONG")
                {
                    return;
                }
            }
            catch (SocketException) when (started.Elapsed < TimeSpan.FromSeconds(20) && !_process.HasExited)
            {
            }

            if (_process.HasExited || started.Elapsed > TimeSpan.FromSeconds(20))
            {
                throw new InvalidOperationException($"redis-server did not answer PING on port {Port} (exit code {(_process.HasExited ? _process.ExitCode : null)}).");
            }

            await Task.Delay(20);
        }
    }
}
