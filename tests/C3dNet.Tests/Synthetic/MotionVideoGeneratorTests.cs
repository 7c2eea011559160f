using C3dNet.Synthetic;
using C3dNet.Tests.Datasets;
using C3dNet.Tests.Support;
using OpenCvSharp;

namespace C3dNet.Tests.Synthetic;

public class MotionVideoGeneratorTests
{
    private static GeneratorOptions Small(string dir, long seed = 5, int jobs = 2) => new()
    {
        OutDir = dir, Classes = 2, VideosPerClass = 3, ClipsPerGroup = 2, Frames = 20, Width = 171, Height = 128, Seed = seed, Jobs = jobs,
    };

    [Fact]
    public void Same_seed_gives_identical_files_whatever_the_jobs_and_another_seed_differs()
    {
        using var dir = new TempDir();
        var a = MotionVideoGenerator.Generate(Small(dir.File("a"), jobs: 1));
        MotionVideoGenerator.Generate(Small(dir.File("b"), jobs: 2));
        MotionVideoGenerator.Generate(Small(dir.File("c"), seed: 6));

        var names = a.Videos.Select(v => Path.GetRelativePath(a.OutDir, v.Path)).ToList();
        Assert.Equal(["MoveLeft/v_MoveLeft_g01_c01.avi", "MoveLeft/v_MoveLeft_g01_c02.avi", "MoveLeft/v_MoveLeft_g02_c01.avi",
                      "MoveRight/v_MoveRight_g01_c01.avi", "MoveRight/v_MoveRight_g01_c02.avi", "MoveRight/v_MoveRight_g02_c01.avi"], names);
        foreach (var name in names)
        {
            var bytes = File.ReadAllBytes(Path.Combine(dir.File("a"), name));
            Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(dir.File("b"), name)));
            Assert.NotEqual(bytes, File.ReadAllBytes(Path.Combine(dir.File("c"), name)));
        }
        Assert.Empty(Directory.GetFiles(dir.Path, ".*", SearchOption.AllDirectories)); // no temporary files left
    }

    [Fact]
    public void Videos_read_back_with_the_requested_frame_count_and_odd_width()
    {
        using var dir = new TempDir();
        var data = MotionVideoGenerator.Generate(Small(dir.Path));
        foreach (var video in data.Videos)
        {
            using var capture = new VideoCapture(video.Path);
            Assert.Equal(20, (int)capture.FrameCount);
            var frames = TestVideos.ReadAll(video.Path);
            Assert.Equal(20, frames.Count);
            Assert.All(frames, f => Assert.Equal(new Size(171, 128), f.Size()));
            frames.ForEach(f => f.Dispose());
        }
    }

    [Theory]
    [InlineData("MoveRight", "MoveLeft")]
    [InlineData("MoveDown", "MoveUp")]
    [InlineData("RotateClockwise", "RotateCounterClockwise")]
    [InlineData("Grow", "Shrink")]
    public void The_two_classes_of_a_pair_are_the_same_frames_in_reverse_order(string forward, string backward)
    {
        var f = MotionClasses.All.Single(c => c.Name == forward);
        var b = MotionClasses.All.Single(c => c.Name == backward);
        using var scene = SceneAppearance.Create(new Random(3), 96, 72);
        var ff = MotionClipRenderer.Render(f, scene, new Random(9), 12, 96, 72);
        var bb = MotionClipRenderer.Render(b, scene, new Random(9), 12, 96, 72);
        bb.Reverse();
        for (int i = 0; i < ff.Count; i++)
        {
            using var diff = new Mat();
            Cv2.Absdiff(ff[i], bb[i], diff);
            Assert.Equal(0, Cv2.CountNonZero(diff.Reshape(1)));
        }
        ff.Concat(bb).ToList().ForEach(m => m.Dispose());
    }

    [Theory]
    [InlineData("MoveRight", 1, 0, 0)]
    [InlineData("MoveLeft", -1, 0, 0)]
    [InlineData("MoveDown", 0, 1, 0)]
    [InlineData("MoveUp", 0, -1, 0)]
    [InlineData("Grow", 0, 0, 1)]
    [InlineData("Shrink", 0, 0, -1)]
    public void The_shape_moves_as_the_class_says(string className, int dx, int dy, int grows)
    {
        var cls = MotionClasses.All.Single(c => c.Name == className);
        for (int seed = 0; seed < 5; seed++)
        {
            using var scene = SceneAppearance.Create(new Random(seed), 160, 120);
            var frames = MotionClipRenderer.Render(cls, scene, new Random(100 + seed), 24, 160, 120);
            var (x0, y0, area0) = Foreground(frames[0], scene.Background);
            var (x1, y1, area1) = Foreground(frames[^1], scene.Background);
            if (dx != 0) Assert.True((x1 - x0) * dx > 0.2 * 160, $"{className} seed {seed}: x {x0:F0} → {x1:F0}");
            if (dy != 0) Assert.True((y1 - y0) * dy > 0.2 * 120, $"{className} seed {seed}: y {y0:F0} → {y1:F0}");
            if (grows > 0) Assert.True(area1 > 2 * area0, $"{className} seed {seed}: area {area0} → {area1}");
            if (grows < 0) Assert.True(area0 > 2 * area1, $"{className} seed {seed}: area {area0} → {area1}");
            frames.ForEach(m => m.Dispose());
        }
    }

    [Fact]
    public void Rotation_turns_clockwise_on_screen_for_the_forward_class()
    {
        // OpenCV angles are counter-clockwise-positive with y pointing down: clockwise means decreasing angle.
        var motion = ClipMotion.Create(MotionKind.Rotate, new Random(1), 160, 120, 50, 30);
        double first = motion.At(0, 30).AngleDegrees, last = motion.At(29, 30).AngleDegrees;
        Assert.InRange(first - last, 3 * 29, 7 * 29);
    }

    [Fact]
    public void Options_are_checked()
    {
        // A plain ArgumentException: ArgumentOutOfRangeException would append .NET's "(Parameter 'count')" to the user's message.
        var e = Assert.Throws<ArgumentException>(() => MotionVideoGenerator.Generate(new GeneratorOptions { OutDir = "/tmp/x", Classes = 9 }));
        Assert.Equal("the generator has 8 classes; asked for 9", e.Message);
        Assert.Throws<ArgumentException>(() => MotionVideoGenerator.Generate(new GeneratorOptions { OutDir = "/tmp/x", Frames = 1 }));
        Assert.Equal("v_Grow_g03_c12.avi", MotionVideoGenerator.FileName("Grow", 3, 12));
        Assert.Equal(["MoveLeft", "MoveRight", "MoveUp", "MoveDown"], MotionClasses.First(4).Select(c => c.Name));
    }

    /// <summary>Centroid and pixel count of where the frame differs clearly from the background.</summary>
    private static (double X, double Y, int Area) Foreground(Mat frame, Mat background)
    {
        using var diff = new Mat();
        Cv2.Absdiff(frame, background, diff);
        using var gray = new Mat();
        Cv2.CvtColor(diff, gray, ColorConversionCodes.BGR2GRAY);
        using var mask = new Mat();
        Cv2.Threshold(gray, mask, 30, 255, ThresholdTypes.Binary);
        var m = Cv2.Moments(mask, binaryImage: true);
        return (m.M10 / m.M00, m.M01 / m.M00, (int)m.M00);
    }
}
