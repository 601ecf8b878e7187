using Microsoft.Playwright;

namespace Reminders.App.Tests.Dashboard;

/// <summary>
/// Debian's headless Chromium (/usr/bin/chromium, installed by test.sh) driven by Playwright; no browser is
/// downloaded. Each instance has its own fresh profile directory, removed on dispose.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private readonly string _profile = Directory.CreateTempSubdirectory("reminders-chromium-").FullName;
    private IPlaywright? _playwright;

    public IBrowserContext Context { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException($"{ExecutablePath} is missing: run ./test.sh, which installs Debian's chromium, or apt-get install chromium.");
        }
        _playwright = await Playwright.CreateAsync();
        Context = await _playwright.Chromium.LaunchPersistentContextAsync(_profile, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
            Timeout = 60_000,
        });
        Context.SetDefaultTimeout(30_000);
    }

    public async Task DisposeAsync()
    {
        if (Context is not null) await Context.CloseAsync();
        _playwright?.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // Chromium may still be writing its last files; the temp directory is cleaned up eventually.
        }
    }
}
