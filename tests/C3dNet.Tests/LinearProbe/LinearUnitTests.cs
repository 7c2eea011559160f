using C3dNet.LinearProbe;

namespace C3dNet.Tests.LinearProbe;

public class LinearUnitTests
{
    [Fact]
    public void Stratified_folds_share_each_class_evenly_and_follow_the_seed()
    {
        var labels = Enumerable.Range(0, 53).Select(i => i % 4 == 3 ? 3 : i % 3).ToArray(); // uneven classes
        var folds = CrossValidation.StratifiedFolds(labels, 5, seed: 11);
        var sizes = Enumerable.Range(0, 5).Select(f => folds.Count(x => x == f)).ToArray();
        Assert.True(sizes.Max() - sizes.Min() <= 1, string.Join(",", sizes));
        foreach (var cls in labels.Distinct())
        {
            var perFold = Enumerable.Range(0, 5).Select(f => folds.Where((x, i) => x == f && labels[i] == cls).Count()).ToArray();
            Assert.True(perFold.Max() - perFold.Min() <= 1, $"class {cls}: {string.Join(",", perFold)}");
        }
        Assert.Equal(folds, CrossValidation.StratifiedFolds(labels, 5, seed: 11));
        Assert.NotEqual(folds, CrossValidation.StratifiedFolds(labels, 5, seed: 12));
        Assert.Throws<ArgumentException>(() => CrossValidation.StratifiedFolds(labels, 1, 0));
    }

    [Fact]
    public void A_video_its_frame_folder_and_its_split_list_entry_have_one_key()
    {
        string key = VideoKey.OfPath("/data/UCF-101/HandstandPushups/v_HandStandPushups_g01_c01.avi");
        Assert.Equal(key, VideoKey.OfPath("ucf101/test/HandstandPushups/v_HandStandPushups_g01_c01"), VideoKey.Comparer);
        Assert.Equal(key, VideoKey.Of("HandstandPushups", "v_HandstandPushups_g01_c01.avi"), VideoKey.Comparer);
        Assert.NotEqual(key, VideoKey.OfPath("UCF-101/HandstandPushups/v_HandStandPushups_g01_c02.avi"), VideoKey.Comparer);
        Assert.Equal("brush_hair/April_09_brush_hair_u_nm_np1_ba_goo_0", VideoKey.OfPath(@"hmdb\brush_hair\April_09_brush_hair_u_nm_np1_ba_goo_0.avi"));
    }

    [Fact]
    public void Classifiers_average_element_wise_only_with_the_same_kind_width_and_classes()
    {
        var stats = new SolverStats(1, 1, true, 0, 0);
        var a = new LinearClassifier(LinearModelKind.Svm, 1, 2, [0, 1], [1, 2, 3, 4], [1, -1], stats);
        var b = a with { Weight = [3, 2, 1, 0], Bias = [0, 1] };
        var mean = LinearClassifier.Mean([a, b]);
        Assert.Equal([2.0, 2, 2, 2], mean.Weight);
        Assert.Equal([0.5, 0], mean.Bias);
        Assert.Equal(a.Classes, mean.Classes);
        Assert.Throws<ArgumentException>(() => LinearClassifier.Mean([a, a with { Classes = [0, 2] }]));
        Assert.Throws<ArgumentException>(() => LinearClassifier.Mean([a, a with { Kind = LinearModelKind.Logistic }]));
    }
}
