// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.Globalization;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace SessionKit.Browser.Tests.Support;

/// <summary>
/// Headless Chromium (/usr/bin/chromium) driven through /usr/bin/chromedriver, with a fresh profile: nothing is downloaded,
/// nothing is shared with another run. One instance is one browser: its tabs share localStorage and Web Locks. Disposing quits
/// it and kills, by process id, whatever of it is left (chromedriver, and every process whose command line names this instance's
/// profile folder).
/// </summary>
internal sealed class HeadlessChromium : IDisposable
{
    private static readonly string[] Arguments =
    [
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-background-timer-throttling",
        "--disable-renderer-backgrounding", "--disable-backgrounding-occluded-windows", "--window-size=1000,900",
    ];

    private readonly DirectoryInfo _profile;
    private readonly ChromeDriverService _service;
    private readonly ChromeDriver _driver;
    private bool _firstTabUsed;

    private HeadlessChromium(DirectoryInfo profile, ChromeDriverService service, ChromeDriver driver)
    {
        _profile = profile;
        _service = service;
        _driver = driver;
    }

    public const string InstallHint = "chromium or chromedriver is not installed: run `apt-get update && apt-get install -y chromium chromium-driver` (.ci/run does it when missing).";

    public ChromeDriver Driver => _driver;

    /// <summary>Gets a value indicating whether Debian's chromium and chromium-driver are installed where the tests look.</summary>
    public static bool IsInstalled => File.Exists("/usr/bin/chromium") && File.Exists("/usr/bin/chromedriver");

    public static HeadlessChromium Start()
    {
        var profile = Directory.CreateTempSubdirectory("sessionkit-chromium-");
        var service = ChromeDriverService.CreateDefaultService("/usr/bin", "chromedriver");
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        var options = new ChromeOptions { BinaryLocation = "/usr/bin/chromium" };
        options.AddArguments(Arguments);
        options.AddArgument("--user-data-dir=" + profile.FullName);
        try
        {
            var driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
            driver.Manage().Timeouts().AsynchronousJavaScript = TimeSpan.FromSeconds(30);
            return new HeadlessChromium(profile, service, driver);
        }
        catch
        {
            KillLeftovers(service, profile.FullName);
            service.Dispose();
            profile.Delete(recursive: true);
            throw;
        }
    }

    /// <summary>Opens <paramref name="url"/> in a new tab (the first call uses the window the browser opened with) and returns its handle.</summary>
    public string OpenTab(Uri url)
    {
        if (_firstTabUsed)
        {
            _driver.SwitchTo().NewWindow(WindowType.Tab);
        }

        _firstTabUsed = true;
        _driver.Navigate().GoToUrl(url);
        return _driver.CurrentWindowHandle;
    }

    public void Switch(string tab) => _driver.SwitchTo().Window(tab);

    public void Close(string tab)
    {
        Switch(tab);
        _driver.Close();
    }

    /// <summary>Waits until <paramref name="condition"/> holds in the current tab, polling every 50 ms.</summary>
    public T Until<T>(Func<IWebDriver, T> condition, TimeSpan timeout, string what)
    {
        var wait = new WebDriverWait(_driver, timeout) { PollingInterval = TimeSpan.FromMilliseconds(50), Message = what };
        wait.IgnoreExceptionTypes(typeof(NoSuchElementException), typeof(StaleElementReferenceException));
        return wait.Until(condition);
    }

    public string? Text(string id) => _driver.FindElements(By.Id(id)) is [var element, ..] ? element.Text : null;

    public string? Attribute(string id, string name) => _driver.FindElements(By.Id(id)) is [var element, ..] ? element.GetDomAttribute(name) : null;

    public long Number(string id) => long.Parse(Text(id) ?? throw new NoSuchElementException($"#{id}"), NumberStyles.Integer, CultureInfo.InvariantCulture);

    public void Click(string id) => _driver.FindElement(By.Id(id)).Click();

    public object? Script(string script, params object[] arguments) => _driver.ExecuteScript(script, arguments);

    /// <summary>Runs <paramref name="script"/>, which calls <c>done(result)</c> when it has its result, and returns that result.</summary>
    public object? ScriptAsync(string script) => _driver.ExecuteAsyncScript("const done = arguments[arguments.length - 1]; " + script);

    /// <summary>Sends a DevTools command to the current tab.</summary>
    public void DevTools(string command, Dictionary<string, object?> parameters) => _driver.ExecuteCdpCommand(command, parameters);

    /// <summary>Saves the current tab as <paramref name="name"/>.png in the test's work folder, attaches it to the result, and returns its path.</summary>
    public string Screenshot(string name)
    {
        var folder = Path.Combine(TestContext.CurrentContext.WorkDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name + ".png");
        ((ITakesScreenshot)_driver).GetScreenshot().SaveAsFile(path);
        TestContext.AddTestAttachment(path, name);
        return path;
    }

    public void Dispose()
    {
        try
        {
            _driver.Quit();
        }
        catch (WebDriverException)
        {
            // Killed below.
        }
        finally
        {
            _driver.Dispose();
            KillLeftovers(_service, _profile.FullName);
            _service.Dispose();
            try
            {
                _profile.Delete(recursive: true);
            }
            catch (IOException)
            {
                // Chromium may still be writing its profile as it exits; the folder is under the temp directory.
            }
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
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // Exited meanwhile, or not ours.
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
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
            {
                // Exited meanwhile.
            }
        }
    }
}
