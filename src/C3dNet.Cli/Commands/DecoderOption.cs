using System.CommandLine;
using C3dNet.Cli.Ui;
using C3dNet.Video;

namespace C3dNet.Cli.Commands;

/// <summary>`--decoder auto|ffmpeg|opencv`, declared once for every verb that decodes video.</summary>
internal static class DecoderOption
{
    public static Option<string> Create()
    {
        var option = new Option<string>("--decoder")
        {
            Description = "Video decoder: auto (the system's FFmpeg when its libraries load, else OpenCV's), ffmpeg or opencv",
            DefaultValueFactory = _ => "auto",
        };
        option.AcceptOnlyFromAmong(VideoDecoders.Choices);
        return option;
    }

    /// <summary>The decoder of this run; when auto falls back to OpenCV, says so once (not per video).</summary>
    public static VideoDecoder Resolve(string name)
    {
        var (decoder, notice) = VideoDecoders.Resolve(VideoDecoders.Parse(name));
        if (notice is not null) ConsoleUi.Warning(notice);
        return decoder;
    }
}
