// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Diagnostics;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace SessionKit.Browser.Tests.Support;

/// <summary>
/// One headless Chromium (Debian's <c>chromium</c> and <c>chromium-driver</c>) driven by Selenium, with a fresh profile. Never
/// downloads a driver; disposing quits it and kills, by process id, whatever of it is left (chromedriver and every process
/// whose command line names this instance's profile folder).
/// </summary>
internal sealed class Chromium : IDisposable
{
    public const string BinaryPath = "/usr/bin/chromium";
    public const string DriverPath = "/usr/bin/chromedriver";

    private readonly ChromeDriverService _service;
    private readonly string _profile;

    private Chromium(ChromeDriverService service, ChromeDriver driver, string profile)
    {
        _service = service;
        Driver = driver;
        _profile = profile;
    }

    public ChromeDriver Driver { get; }

    /// <summary>Ignores the calling test when Chromium or its driver is not installed.</summary>
    public static void IgnoreIfMissing()
    {
        if (!File.Exists(BinaryPath) || !File.Exists(DriverPath))
        {
            Assert.Ignore($"Headless Chromium is not installed ({BinaryPath}, {DriverPath}): apt-get install -y chromium chromium-driver");
        }
    }

    public static Chromium Start()
    {
        IgnoreIfMissing();
        var profile = Directory.CreateTempSubdirectory("sessionkit-chromium-").FullName;
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(DriverPath)!, Path.GetFileName(DriverPath));
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        var options = new ChromeOptions { BinaryLocation = BinaryPath };
        options.AddArguments(
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-background-timer-throttling",
            "--disable-renderer-backgrounding",
            "--disable-backgrounding-occluded-windows",
            "--user-data-dir=" + profile);
        try
        {
            var driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
            driver.Manage().Timeouts().AsynchronousJavaScript = TimeSpan.FromSeconds(30);
            return new Chromium(service, driver, profile);
        }
        catch
        {
            KillLeftovers(service, profile);
            service.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        try
        {
            Driver.Quit();
        }
        catch (WebDriverException)
        {
            // Killed below.
        }

        Driver.Dispose();
        KillLeftovers(_service, _profile);
        _service.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // A process was still writing; the temp folder is cleaned eventually.
        }
    }

    private static void KillLeftovers(ChromeDriverService service, string profile)
    {
        var ids = new List<int>();
        if (service.ProcessId > 0)
        {
            ids.Add(service.ProcessId);
        }

        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid))
            {
                try
                {
                    if (File.ReadAllText(Path.Combine(dir, "cmdline")).Contains(profile, StringComparison.Ordinal))
                    {
                        ids.Add(pid);
                    }
                }
                catch (IOException)
                {
                    // Exited meanwhile.
                }
                catch (UnauthorizedAccessException)
                {
                    // Not ours.
                }
            }
        }

        foreach (var pid in ids)
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
            }
            catch (ArgumentException)
            {
                // Exited meanwhile.
            }
            catch (InvalidOperationException)
            {
                // Exited meanwhile.
            }
        }
    }
}
