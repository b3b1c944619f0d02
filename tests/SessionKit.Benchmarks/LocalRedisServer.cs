// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace SessionKit.Benchmarks;

/// <summary>A <c>redis-server</c> started for one benchmark run: a free loopback port, a temp dir, no persistence; stopped by its PID.</summary>
internal sealed class LocalRedisServer : IDisposable
{
    private readonly Process _process;
    private readonly DirectoryInfo _dir;

    private LocalRedisServer(Process process, DirectoryInfo dir, int port)
    {
        _process = process;
        _dir = dir;
        Port = port;
    }

    public int Port { get; }

    public string Endpoint => "127.0.0.1:" + Port.ToString(CultureInfo.InvariantCulture);

    public static LocalRedisServer Start(string tempPrefix)
    {
        var dir = Directory.CreateTempSubdirectory(tempPrefix);
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
        }

        var start = new ProcessStartInfo("redis-server") { UseShellExecute = false, RedirectStandardOutput = true };
        foreach (var a in new[] { "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", dir.FullName, "--save", string.Empty, "--appendonly", "no" })
        {
            start.ArgumentList.Add(a);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception ex)
        {
            dir.Delete(recursive: true);
            throw new InvalidOperationException("redis-server is not on the PATH; install it with 'apt-get install -y redis-server'.", ex);
        }

        process.BeginOutputReadLine();
        return new LocalRedisServer(process, dir, port);
    }

    public void Dispose()
    {
        // This process object is the one we started, so Kill targets its PID only.
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        _process.WaitForExit();
        _process.Dispose();
        _dir.Delete(recursive: true);
    }
}
