namespace C3dNet.Tests.Support;

/// <summary>A fact that drives Debian's Chromium through chromedriver; skipped, with the reason, when either is missing.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public const string Chromium = "/usr/bin/chromium", Driver = "/usr/bin/chromedriver";

    public ChromiumFactAttribute()
    {
        if (!File.Exists(Chromium) || !File.Exists(Driver))
            Skip = $"{Chromium} or {Driver} is missing (apt-get install -y chromium chromium-driver)";
    }
}
