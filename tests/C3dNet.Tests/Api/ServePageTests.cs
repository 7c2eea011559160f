using C3dNet.Tests.Inference;
using C3dNet.Tests.Support;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using Xunit.Abstractions;

namespace C3dNet.Tests.Api;

/// <summary>
/// The page at / in Debian's headless Chromium (driven by chromedriver): upload a video, see the top label and the timeline.
/// The upload is an MJPG AVI, which Chromium cannot play: the page shows the server's thumbnail of each window instead.
/// </summary>
[Collection("motion model")]
public class ServePageTests(MotionModelFixture motion, ITestOutputHelper output)
{
    private const string Chromium = ChromiumFactAttribute.Chromium, Driver = ChromiumFactAttribute.Driver;

    [ChromiumFact]
    public void The_page_uploads_a_video_and_shows_the_top_label_the_timeline_and_thumbnails_for_a_video_it_cannot_play()
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

        // Chromium cannot play an MJPG AVI: no player, one decoded thumbnail per window (a picture 112 pixels wide, from the
        // server), each captioned with its window's top label, the first one current; stepping moves the highlight.
        Assert.False(browser.FindElement(By.Id("player")).Displayed, "the video player is shown for a file Chromium cannot play");
        Assert.True(browser.FindElement(By.Id("thumbs")).Displayed, "no thumbnails shown");
        var thumbs = browser.FindElements(By.CssSelector("#thumbs figure"));
        Assert.Equal(bars.Count, thumbs.Count);
        var js = (IJavaScriptExecutor)browser;
        var widths = ((IEnumerable<object>)js.ExecuteScript("return [...document.querySelectorAll('#thumbs img')].map(i => i.complete ? i.naturalWidth : -1);")!)
            .Select(Convert.ToInt64).ToList();
        Assert.All(widths, w => Assert.Equal(112L, w));
        var windowLabels = ((IEnumerable<object>)js.ExecuteScript("return [...document.querySelectorAll('#timeline rect.window title')].map(t => t.textContent);")!)
            .Select(o => ((string)o).Split(": ")[1].Split(' ')[0]).ToList();
        for (int i = 0; i < thumbs.Count; i++) Assert.Contains($": {windowLabels[i]} ", thumbs[i].Text);
        Assert.Equal(0, CurrentThumbnail(browser));
        browser.FindElement(By.Id("next")).Click();
        browser.FindElement(By.Id("next")).Click();
        Assert.Equal(2, CurrentThumbnail(browser));
        Assert.StartsWith(windowLabels[2] + " ", browser.FindElement(By.Id("thumb-label")).Text);
        Assert.StartsWith($"3 of {thumbs.Count}", browser.FindElement(By.Id("thumb-index")).Text);
        browser.FindElement(By.Id("prev")).Click();
        Assert.Equal(1, CurrentThumbnail(browser));

        string artifacts = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "artifacts")).FullName;
        string shot = Path.Combine(artifacts, "serve-page.png");
        browser.GetScreenshot().SaveAsFile(shot);
        output.WriteLine($"screenshot: {shot}");
        Assert.True(new FileInfo(shot).Length > 1000);
    }

    /// <summary>The position of the highlighted thumbnail; fails unless exactly one is.</summary>
    private static int CurrentThumbnail(ChromeDriver browser)
    {
        var current = browser.FindElements(By.CssSelector("#thumbs figure")).Select(f => f.GetAttribute("class")!.Split(' ').Contains("current")).ToList();
        Assert.Equal(1, current.Count(c => c));
        return current.IndexOf(true);
    }
}
