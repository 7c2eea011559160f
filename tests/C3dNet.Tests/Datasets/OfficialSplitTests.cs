using C3dNet.Datasets;
using C3dNet.Tests.Support;

namespace C3dNet.Tests.Datasets;

public class OfficialSplitTests
{
    private static void Touch(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, [1, 2, 3]);
    }

    /// <summary>UCF101 lists exactly as distributed (ucfTrainTestlist/: CRLF, "path label" in trainlists, path only in testlists).</summary>
    private static void WriteUcfLists(string dir)
    {
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "classInd.txt"), "1 ApplyEyeMakeup\r\n2 HandstandPushups\r\n3 YoYo\r\n");
        File.WriteAllText(Path.Combine(dir, "trainlist01.txt"),
            "ApplyEyeMakeup/v_ApplyEyeMakeup_g08_c01.avi 1\r\nApplyEyeMakeup/v_ApplyEyeMakeup_g08_c02.avi 1\r\n" +
            "ApplyEyeMakeup/v_ApplyEyeMakeup_g09_c01.avi 1\r\nApplyEyeMakeup/v_ApplyEyeMakeup_g10_c01.avi 1\r\n" +
            "ApplyEyeMakeup/v_ApplyEyeMakeup_g11_c01.avi 1\r\nApplyEyeMakeup/v_ApplyEyeMakeup_g12_c01.avi 1\r\n" +
            "HandstandPushups/v_HandStandPushups_g08_c01.avi 2\r\nHandstandPushups/v_HandstandPushups_g09_c01.avi 2\r\n" +
            "YoYo/v_YoYo_g08_c01.avi 3\r\n");
        File.WriteAllText(Path.Combine(dir, "testlist01.txt"),
            "ApplyEyeMakeup/v_ApplyEyeMakeup_g01_c01.avi\r\nApplyEyeMakeup/v_ApplyEyeMakeup_g01_c02.avi\r\n" +
            "HandstandPushups/v_HandStandPushups_g01_c01.avi\r\nHandstandPushups/v_HandStandPushups_g01_c02.avi\r\n" +
            "YoYo/v_YoYo_g01_c01.avi\r\n");
        // Split 2 exists too, to prove --split-index picks the right files.
        File.WriteAllText(Path.Combine(dir, "trainlist02.txt"), "ApplyEyeMakeup/v_ApplyEyeMakeup_g01_c01.avi 1\r\n");
        File.WriteAllText(Path.Combine(dir, "testlist02.txt"), "ApplyEyeMakeup/v_ApplyEyeMakeup_g08_c01.avi\r\n");
    }

    private static VideoDatasetScan UcfOnDisk(string root)
    {
        foreach (var name in new[] { "g08_c01", "g08_c02", "g09_c01", "g10_c01", "g11_c01", "g12_c01", "g01_c01", "g01_c02" })
            Touch(Path.Combine(root, "ApplyEyeMakeup", $"v_ApplyEyeMakeup_{name}.avi"));
        // On disk the files say "HandStand"; one list line says "Handstand": matched regardless of case.
        foreach (var name in new[] { "g08_c01", "g09_c01", "g01_c01", "g01_c02" })
            Touch(Path.Combine(root, "HandstandPushups", $"v_HandStandPushups_{name}.avi"));
        Touch(Path.Combine(root, "HandstandPushups", "v_HandStandPushups_g30_c01.avi")); // in no list
        Touch(Path.Combine(root, "YoYo", "v_YoYo_g01_c01.avi"));                          // g08_c01 listed but missing
        return VideoDatasetScan.Scan(root);
    }

    [Fact]
    public void Ucf101_lists_parse_with_crlf_and_the_handstand_case_mismatch()
    {
        using var dir = new TempDir();
        WriteUcfLists(dir.File("lists"));
        var lists = OfficialSplitLists.Load(dir.File("lists"), 1);
        Assert.Equal("UCF101", lists.Format);
        Assert.Equal(["ApplyEyeMakeup", "HandstandPushups", "YoYo"], lists.Classes);
        Assert.Equal(14, lists.Entries.Count);
        Assert.Equal("train", lists.Entries["HandstandPushups/v_HandStandPushups_g09_c01.avi"]);
        Assert.Equal("test", lists.Entries["handstandpushups/V_HANDSTANDPUSHUPS_G01_C01.AVI"]);
        Assert.DoesNotContain(lists.Entries.Keys, k => k.Contains('\r') || k.Contains(' '));

        var two = OfficialSplitLists.Load(dir.File("lists"), 2);
        Assert.Equal("train", two.Entries["ApplyEyeMakeup/v_ApplyEyeMakeup_g01_c01.avi"]);
    }

    [Fact]
    public void Official_ucf101_plan_reports_missing_and_unlisted_videos_and_takes_val_from_train_by_group()
    {
        using var dir = new TempDir();
        WriteUcfLists(dir.File("lists"));
        var scan = UcfOnDisk(dir.File("videos"));
        var options = new PreprocessOptions { VideosDir = dir.File("videos"), OutDir = dir.File("out"), Split = SplitMethod.Official, SplitDir = dir.File("lists"), ValFraction = 0.34 };
        var plan = SplitPlanner.Plan(scan, options);
        var byFile = plan.Videos.ToDictionary(p => p.Source.FileName);

        Assert.Equal("test", byFile["v_ApplyEyeMakeup_g01_c01.avi"].Split);
        Assert.Equal("test", byFile["v_HandStandPushups_g01_c02.avi"].Split);
        Assert.Equal("test", byFile["v_YoYo_g01_c01.avi"].Split);
        Assert.Contains(byFile["v_HandStandPushups_g09_c01.avi"].Split, new[] { "train", "val" }); // listed as "Handstand…"

        var unlisted = byFile["v_HandStandPushups_g30_c01.avi"];
        Assert.Null(unlisted.Split);
        Assert.Equal(VideoStatus.Unlisted, unlisted.Status);
        var missing = Assert.Single(plan.Issues);
        Assert.EndsWith("YoYo/v_YoYo_g08_c01.avi", missing.Path);
        Assert.Contains("not found on disk", missing.Problem);

        // Val comes from train only, whole groups (g08 has two clips), about a third of the 6 train videos.
        var apply = plan.Videos.Where(p => p.Source.Class == "ApplyEyeMakeup" && p.Split != "test").ToList();
        Assert.Equal(6, apply.Count);
        Assert.InRange(apply.Count(p => p.Split == "val"), 1, 3);
        foreach (var group in apply.GroupBy(p => VideoGroups.KeyOf(p.Source)))
            Assert.Single(group.Select(p => p.Split).Distinct());
        Assert.Equal(plan.Videos.Select(p => p.Split), SplitPlanner.Plan(scan, options).Videos.Select(p => p.Split)); // seeded
    }

    [Fact]
    public void Hmdb51_lists_mark_train_test_and_unused()
    {
        using var dir = new TempDir();
        string lists = dir.File("testTrainMulti_7030_splits");
        Directory.CreateDirectory(lists);
        // As distributed: "<video>.avi <0|1|2> " with a trailing blank; split 2 files alongside.
        File.WriteAllText(Path.Combine(lists, "brush_hair_test_split1.txt"),
            "April_09_brush_hair_u_nm_np1_ba_goo_0.avi 1 \nApril_09_brush_hair_u_nm_np1_ba_goo_1.avi 1 \n" +
            "Blonde_being_brushed_brush_hair_f_nm_np2_ri_med_0.avi 2 \nBrushing_Hair_with_Beth_brush_hair_h_nm_np1_le_goo_0.avi 0 \n" +
            "Aussie_Brushing_brush_hair_u_nm_np1_fr_med_0.avi 1 \n");
        File.WriteAllText(Path.Combine(lists, "brush_hair_test_split2.txt"), "April_09_brush_hair_u_nm_np1_ba_goo_0.avi 2 \n");
        File.WriteAllText(Path.Combine(lists, "cartwheel_test_split1.txt"), "(Rad)Schlag_die_Bank!_cartwheel_f_cm_np1_le_med_0.avi 2 \r\n");
        foreach (var f in new[] { "April_09_brush_hair_u_nm_np1_ba_goo_0", "April_09_brush_hair_u_nm_np1_ba_goo_1", "Blonde_being_brushed_brush_hair_f_nm_np2_ri_med_0",
                                  "Brushing_Hair_with_Beth_brush_hair_h_nm_np1_le_goo_0", "Aussie_Brushing_brush_hair_u_nm_np1_fr_med_0" })
            Touch(dir.File($"videos/brush_hair/{f}.avi"));
        Touch(dir.File("videos/cartwheel/(Rad)Schlag_die_Bank!_cartwheel_f_cm_np1_le_med_0.avi"));

        var parsed = OfficialSplitLists.Load(dir.Path, 1); // found one folder down
        Assert.Equal("HMDB51", parsed.Format);
        Assert.Equal(["brush_hair", "cartwheel"], parsed.Classes);

        var plan = SplitPlanner.Plan(VideoDatasetScan.Scan(dir.File("videos")),
            new PreprocessOptions { VideosDir = dir.File("videos"), OutDir = dir.File("out"), Split = SplitMethod.Official, SplitDir = dir.Path, ValFraction = 0.5 });
        var byName = plan.Videos.ToDictionary(p => p.Source.Name, p => p.Split ?? p.Status);
        Assert.Equal("test", byName["Blonde_being_brushed_brush_hair_f_nm_np2_ri_med_0"]);
        Assert.Equal("test", byName["(Rad)Schlag_die_Bank!_cartwheel_f_cm_np1_le_med_0"]);
        Assert.Equal(VideoStatus.Unused, byName["Brushing_Hair_with_Beth_brush_hair_h_nm_np1_le_goo_0"]);
        // The two April_09 clips come from one film: val takes them together or not at all.
        Assert.Equal(byName["April_09_brush_hair_u_nm_np1_ba_goo_0"], byName["April_09_brush_hair_u_nm_np1_ba_goo_1"]);
        Assert.Contains("val", byName.Values);
        Assert.Empty(plan.Issues);
    }

    [Fact]
    public void Bad_or_missing_lists_give_clear_errors()
    {
        using var dir = new TempDir();
        Assert.Contains("no split 1 lists found", Assert.Throws<InvalidDataException>(() => OfficialSplitLists.Load(dir.Path, 1)).Message);
        File.WriteAllText(dir.File("trainlist01.txt"), "ApplyEyeMakeup/v_a_g01_c01.avi 1\r\n");
        Assert.Contains("testlist01.txt", Assert.Throws<InvalidDataException>(() => OfficialSplitLists.Load(dir.Path, 1)).Message);
        File.WriteAllText(dir.File("x_test_split3.txt"), "clip.avi 7\n");
        var e = Assert.Throws<InvalidDataException>(() => OfficialSplitLists.Load(dir.Path, 3));
        Assert.Contains("x_test_split3.txt:1", e.Message);
        Assert.Throws<ArgumentException>(() => OfficialSplitLists.Load(dir.Path, 4));
    }
}
