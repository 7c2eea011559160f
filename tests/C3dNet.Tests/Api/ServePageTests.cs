using C3dNet.Tests.Inference;
using C3dNet.Tests.Support;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using Xunit.Abstractions;

namespace C3dNet.Tests.Api;

/// <summary>The page at / in Debian's headless Chromium (driven by chromedriver): upload a video, see the top label and the timeline.</summary>
[Collection("motion model")]
public class ServePageTests(MotionModelFixture motion, ITestOutputHelper output)
{
    private const string Chromium = ChromiumFactAttribute.Chromium, Driver = ChromiumFactAttribute.Driver;

    [ChromiumFact]
    public void The_page_uploads_a_video_and_shows_the_top_label_and_the_timeline()
    {
        var (path, cls) = motion.HeldOut[2];
        using var server = new ServerProcess(MotionModelFixture.CheckpointPath);
        using var profile = new TempDir();
        var options = new ChromeOptions { BinaryLocation = Chromium };
        options.AddArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", $"--user-data-dir={profile.Path}", "--window-size=1000,800");
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(Driver)!, Path.GetFileName(Driver));
        service.SuppressInitialDiagnosticInformation = true;
        using var browser = new ChromeDriver(service, options, TimeSpan.FromMinutes(2));
        browser.Navigate().GoToUrl(server.Url);
        browser.FindElement(By.Id("file")).SendKeys(path);
        browser.FindElement(By.Id("go")).Click();
        var result = browser.FindElement(By.Id("result"));
        for (int i = 0; i < 1200 && !result.Displayed && !browser.FindElement(By.Id("status")).GetAttribute("class")!.Contains("error"); i++) Thread.Sleep(100);
        Assert.True(result.Displayed, "no result shown: " + browser.FindElement(By.Id("status")).Text);

        var firstRow = browser.FindElements(By.CssSelector("#top tbody tr"))[0];
        Assert.Equal(MotionVideo.ClassNames[cls], firstRow.FindElements(By.TagName("td"))[1].Text);
        Assert.Equal(MotionVideo.ClassNames.Length, browser.FindElements(By.CssSelector("#top tbody tr")).Count); // top-5 of 4 classes: all
        var bars = browser.FindElements(By.CssSelector("#timeline rect.window"));
        Assert.True(bars.Count > 1, $"{bars.Count} timeline bars");
        Assert.Contains(MotionVideo.ClassNames[cls], browser.FindElement(By.Id("timeline")).Text);
        Assert.Contains(MotionVideo.ClassNames[cls], browser.FindElement(By.Id("status")).Text);

        string artifacts = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "artifacts")).FullName;
        string shot = Path.Combine(artifacts, "serve-page.png");
        browser.GetScreenshot().SaveAsFile(shot);
        output.WriteLine($"screenshot: {shot}");
        Assert.True(new FileInfo(shot).Length > 1000);
    }
}
