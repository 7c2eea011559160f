namespace C3dNet.Runtime;

/// <summary>
/// Writes a file so that readers (and a run that crashed mid-write) see the old file or the whole new one,
/// never a part: the content goes to a temporary file beside the target (same folder, so the rename is
/// atomic), which then replaces it. A failed write leaves the old file and no temporary file.
/// </summary>
public static class AtomicFile
{
    /// <param name="path">The file to write; replaced only once the new content is complete.</param>
    /// <param name="write">Writes the complete content to the temporary path it is given.</param>
    /// <param name="tempSuffix">Appended to <paramref name="path"/>; writers that go by extension need it last.</param>
    public static void Write(string path, Action<string> write, string tempSuffix = ".tmp")
    {
        string temp = path + tempSuffix;
        try
        {
            write(temp);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
