using C3dNet.Runtime;
using OpenCvSharp;

namespace C3dNet.Outputs;

/// <summary>
/// A video written the way <see cref="AtomicFile"/> writes files: frames go to the temporary name, and
/// <see cref="Complete"/> renames it only after reading it back and finding every frame. OpenCV's VideoWriter.Write
/// reports nothing (a full disk only prints "Failed to write frame" per frame), hence the check, and a stop as soon as
/// the output's file system has no space left. Disposing without <see cref="Complete"/> removes the temporary file.
/// </summary>
internal sealed class VideoFile : IDisposable
{
    private readonly string path;
    private readonly string temp;
    private VideoWriter? writer;
    private bool completed;

    public int FramesWritten { get; private set; }

    public VideoFile(string path, FourCC codec, double fps, Size size, VideoCaptureAPIs api = VideoCaptureAPIs.ANY)
    {
        this.path = Path.GetFullPath(path);
        OutputPolicy.CreateFolder(Path.GetDirectoryName(this.path)!);
        temp = AtomicFile.TempPathFor(this.path);
        writer = new VideoWriter(temp, api, codec, fps, size, isColor: true);
        if (!writer.IsOpened())
        {
            Dispose();
            throw new OutputException(this.path, "OpenCV cannot open a video writer here (read-only folder, or no encoder for this format?)");
        }
    }

    public void Write(Mat frame)
    {
        if (writer is null) throw new InvalidOperationException($"{path}: the video is closed");
        writer.Write(frame);
        FramesWritten++;
        if (NoSpaceLeft()) // a statvfs call per frame: cheap next to encoding it
            throw new OutputException(path, $"no space left on the device after {FramesWritten} frames");
    }

    /// <summary>Closes the file, checks that it holds all <see cref="FramesWritten"/> frames and gives it its final name.</summary>
    public void Complete()
    {
        writer?.Dispose();
        writer = null;
        int readable = CountFrames(temp);
        if (readable != FramesWritten)
            throw new OutputException(path,
                $"the written video is incomplete ({readable} of {FramesWritten} frames readable){(NoSpaceLeft() ? ": no space left on the device" : "; disk full or I/O error?")}");
        AtomicFile.Commit(temp, path);
        completed = true;
    }

    private bool NoSpaceLeft()
    {
        try { return new DriveInfo(Path.GetDirectoryName(path)!).TotalFreeSpace == 0; }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException) { return false; }
    }

    private static int CountFrames(string file)
    {
        if (!File.Exists(file) || new FileInfo(file).Length == 0) return 0;
        using var capture = new VideoCapture(file);
        if (!capture.IsOpened()) return 0;
        int n = 0;
        while (capture.Grab()) n++;
        return n;
    }

    public void Dispose()
    {
        writer?.Dispose();
        writer = null;
        if (!completed) AtomicFile.DeleteQuietly(temp);
    }
}
