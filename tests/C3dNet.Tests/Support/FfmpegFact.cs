using C3dNet.Tests.Video;

namespace C3dNet.Tests.Support;

/// <summary>A fact that needs Debian's ffmpeg program (to make H.264/VFR videos or serve a stream); skipped, with the reason, without it.</summary>
public sealed class FfmpegFactAttribute : FactAttribute
{
    public FfmpegFactAttribute() { if (!CodecVideos.HasFfmpeg) Skip = CodecVideos.NoFfmpeg; }
}

/// <summary>The same for a theory.</summary>
public sealed class FfmpegTheoryAttribute : TheoryAttribute
{
    public FfmpegTheoryAttribute() { if (!CodecVideos.HasFfmpeg) Skip = CodecVideos.NoFfmpeg; }
}
