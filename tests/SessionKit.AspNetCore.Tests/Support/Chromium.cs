// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using OpenQA.Selenium.Chrome;

namespace SessionKit.AspNetCore.Tests.Support;

/// <summary>Headless Debian Chromium driven by Selenium, with the distribution's chromedriver (never a downloaded one).</summary>
internal static class Chromium
{
    public const string BrowserPath = "/usr/bin/chromium";
    public const string DriverPath = "/usr/bin/chromedriver";

    /// <summary>Starts a fresh browser (its own profile folder), or fails the test with what to install.</summary>
    public static ChromeDriver Start(string profileFolder)
    {
        if (!File.Exists(BrowserPath))
        {
            Assert.Ignore($"{BrowserPath} is absent: install it with 'apt-get install -y chromium chromium-driver' (.ci/run does).");
        }

        if (!File.Exists(DriverPath))
        {
            Assert.Fail($"{BrowserPath} is installed but {DriverPath} is not: install it with 'apt-get install -y chromium-driver'.");
        }

        var options = new ChromeOptions { BinaryLocation = BrowserPath };
        options.AddArguments(
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-background-timer-throttling",
            "--disable-renderer-backgrounding",
            "--disable-backgrounding-occluded-windows",
            "--window-size=1100,760",
            $"--user-data-dir={profileFolder}");
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(DriverPath)!, Path.GetFileName(DriverPath));
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        try
        {
            return new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        }
        catch (Exception ex)
        {
            service.Dispose();
            Assert.Fail($"Headless Chromium could not start ({BrowserPath} with {DriverPath}): {ex.GetType().Name}: {ex.Message}");
            throw;
        }
    }
}
