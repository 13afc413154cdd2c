package dev.pyramidkv.engine.eval;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Paint;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.text.DecimalFormat;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

import javax.imageio.ImageIO;

/**
 * The PNG charts of a {@link Report}, drawn with JFreeChart: a needle heatmap per configuration (context
 * length × depth, like the paper's figures) and an overview of them all, accuracy against budget with the
 * full cache as a line, and accuracy against KV bytes kept.
 */
public final class Charts {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 15);
    private static final Font SUBTITLE = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    private static final Font CELL = new Font(Font.SANS_SERIF, Font.BOLD, 11);

    private Charts() {}

    /** Writes every chart into {@code dir}; returns the files written. */
    public static List<Path> write(Report report, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        List<String> depthTasks = report.headlineTasks().stream().filter(Charts::isDepthTask).toList();
        if (!depthTasks.isEmpty() && !report.depths().isEmpty()) {
            List<BufferedImage> tiles = new ArrayList<>();
            List<Report.Config> configs = report.configs();
            for (Report.Config c : configs) {
                JFreeChart chart = heatmap(report, c, false);
                Path file = dir.resolve("heatmap-" + c.label() + ".png");
                ChartUtils.saveChartAsPNG(file.toFile(), chart, 640, 420);
                written.add(file);
                tiles.add(heatmap(report, c, true).createBufferedImage(360, 260));
            }
            Path overview = dir.resolve("heatmaps.png");
            writeOverview(report, configs, tiles, depthTasks, overview);
            written.add(overview);
        }
        if (!report.budgets().isEmpty()) {
            Path curves = dir.resolve("accuracy-vs-budget.png");
            ChartUtils.saveChartAsPNG(curves.toFile(), budgetCurves(report, report.inHeadlineTasks(),
                    "Accuracy against KV budget", String.join(", ", report.headlineTasks())), 760, 480);
            written.add(curves);
            for (String task : report.tasks()) {
                Path f = dir.resolve("accuracy-vs-budget-" + task + ".png");
                ChartUtils.saveChartAsPNG(f.toFile(), budgetCurves(report, r -> r.task().equals(task), "Accuracy against KV budget: " + task, task), 640, 420);
                written.add(f);
            }
            Path bytes = dir.resolve("accuracy-vs-kv-bytes.png");
            ChartUtils.saveChartAsPNG(bytes.toFile(), bytesCurves(report), 760, 480);
            written.add(bytes);
        }
        return written;
    }

    private static boolean isDepthTask(String task) {
        try {
            return TaskKind.parse(task).usesDepth();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Context length (x) × needle depth (y), colour and number = mean accuracy over the needle tasks and
     * samples. {@code compact}: a tile for the overview, without subtitle and legend.
     */
    static JFreeChart heatmap(Report report, Report.Config c, boolean compact) {
        List<Integer> lengths = report.contextLengths();
        List<Integer> depths = report.depths();
        List<String> tasks = report.headlineTasks().stream().filter(Charts::isDepthTask).toList();
        int cells = lengths.size() * depths.size();
        double[] xs = new double[cells], ys = new double[cells], zs = new double[cells];
        XYPlot plot = new XYPlot();
        int i = 0;
        for (int x = 0; x < lengths.size(); x++) {
            for (int y = 0; y < depths.size(); y++, i++) {
                int n = lengths.get(x), d = depths.get(y);
                double acc = report.accuracy(Report.of(c).and(r -> tasks.contains(r.task()) && r.contextLength() == n && r.depth() == d));
                xs[i] = x;
                ys[i] = y;
                zs[i] = acc;
                XYTextAnnotation label = new XYTextAnnotation(Double.isNaN(acc) ? "–" : String.format(Locale.ROOT, "%.2f", acc), x, y);
                label.setFont(CELL);
                label.setPaint(Color.BLACK);
                plot.addAnnotation(label);
            }
        }
        DefaultXYZDataset data = new DefaultXYZDataset();
        data.addSeries("accuracy", new double[][]{xs, ys, zs});
        plot.setDataset(data);
        String[] lengthLabels = lengths.stream().map(String::valueOf).toArray(String[]::new);
        String[] depthLabels = depths.stream().map(d -> d + "%").toArray(String[]::new);
        SymbolAxis xAxis = new SymbolAxis("context length (tokens)", lengthLabels);
        SymbolAxis yAxis = new SymbolAxis("needle depth", depthLabels);
        yAxis.setInverted(true);   // 0% (start of the haystack) at the top, as in the paper
        xAxis.setGridBandsVisible(false);
        yAxis.setGridBandsVisible(false);
        plot.setDomainAxis(xAxis);
        plot.setRangeAxis(yAxis);
        XYBlockRenderer renderer = new XYBlockRenderer();
        renderer.setPaintScale(ACCURACY);
        renderer.setBlockWidth(1);
        renderer.setBlockHeight(1);
        plot.setRenderer(renderer);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        plot.setBackgroundPaint(Color.LIGHT_GRAY);
        plot.setAxisOffset(RectangleInsets.ZERO_INSETS);
        xAxis.setRange(-0.5, lengths.size() - 0.5);
        yAxis.setRange(-0.5, depths.size() - 0.5);

        JFreeChart chart = new JFreeChart(c.label(), TITLE, plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        if (!compact) {
            double all = report.accuracy(Report.of(c).and(r -> tasks.contains(r.task())));
            chart.addSubtitle(new TextTitle(String.format(Locale.ROOT, "needle retrieval accuracy (mean %.2f) over %s", all, String.join(", ", tasks)), SUBTITLE));
            NumberAxis scaleAxis = new NumberAxis("accuracy");
            scaleAxis.setRange(0, 1);
            scaleAxis.setTickUnit(new NumberTickUnit(0.25));
            PaintScaleLegend legend = new PaintScaleLegend(ACCURACY, scaleAxis);
            legend.setPosition(RectangleEdge.RIGHT);
            legend.setAxisLocation(AxisLocation.TOP_OR_RIGHT);
            legend.setMargin(new RectangleInsets(8, 8, 8, 8));
            legend.setStripWidth(14);
            legend.setFrame(BlockBorder.NONE);
            chart.addSubtitle(legend);
        }
        return chart;
    }

    /** Red (0) through yellow (0.5) to green (1), as the paper's needle figures. */
    static final PaintScale ACCURACY = new PaintScale() {
        @Override public double getLowerBound() { return 0; }
        @Override public double getUpperBound() { return 1; }
        @Override public Paint getPaint(double v) {
            if (Double.isNaN(v)) return Color.LIGHT_GRAY;
            double t = Math.max(0, Math.min(1, v));
            Color lo = new Color(0xE8, 0x4A, 0x3C), mid = new Color(0xF6, 0xD3, 0x4B), hi = new Color(0x3C, 0xB0, 0x5A);
            return t < 0.5 ? blend(lo, mid, t * 2) : blend(mid, hi, (t - 0.5) * 2);
        }
    };

    private static Color blend(Color a, Color b, double t) {
        return new Color((int) Math.round(a.getRed() + (b.getRed() - a.getRed()) * t),
                (int) Math.round(a.getGreen() + (b.getGreen() - a.getGreen()) * t),
                (int) Math.round(a.getBlue() + (b.getBlue() - a.getBlue()) * t));
    }

    /** Tiles: full alone in the first row, then one row per policy with a column per budget; that again per K/V storage type. */
    private static void writeOverview(Report report, List<Report.Config> configs, List<BufferedImage> tiles, List<String> tasks, Path file) throws IOException {
        int tw = 360, th = 260, header = 62;
        List<String> policies = report.policies();
        List<String> types = report.kvTypes();
        int cols = Math.max(1, report.budgets().size()), rows = policies.size() * Math.max(1, types.size());
        BufferedImage img = new BufferedImage(cols * tw, header + rows * th, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, img.getWidth(), img.getHeight());
            g.setColor(Color.BLACK);
            g.setFont(TITLE);
            g.drawString("Needle retrieval accuracy", 12, 22);
            g.setFont(SUBTITLE);
            g.drawString("rows: policies" + (types.size() > 1 ? " per K/V type (" + String.join(", ", types) + ")" : "") + "; columns: budgets; tasks: "
                    + String.join(", ", tasks), 12, 38);
            g.drawString("green 1.0, yellow 0.5, red 0.0, grey not run", 12, 52);
            for (int k = 0; k < configs.size(); k++) {
                Report.Config c = configs.get(k);
                int row = types.indexOf(c.kvType()) * policies.size() + policies.indexOf(c.policy());
                int col = c.isFull() ? 0 : report.budgets().indexOf(c.budget());
                g.drawImage(tiles.get(k), col * tw, header + row * th, null);
            }
        } finally {
            g.dispose();
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            ImageIO.write(img, "png", out);
        }
    }

    /** A policy's series name: the policy, with its K/V storage type unless f32. */
    private static String seriesName(String policy, String kvType) {
        return kvType.equals(Report.F32) ? policy : policy + " " + kvType;
    }

    /** f32 solid; each other K/V storage type dotted with a longer gap, in KvType order. */
    private static BasicStroke typeStroke(Report report, String kvType) {
        int k = report.kvTypes().indexOf(kvType);
        if (k <= 0) return new BasicStroke(2f);
        return new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[]{2f, 2f * k}, 0f);
    }

    /** One line per policy (and K/V storage type) over the budgets (log scale), the full f32 cache as a dashed horizontal line. */
    static JFreeChart budgetCurves(Report report, Predicate<EvalResult> which, String title, String tasks) {
        XYSeriesCollection data = new XYSeriesCollection();
        List<Integer> budgets = report.budgets();
        double full = report.accuracy(which.and(r -> Report.isFull(r) && Report.kvType(r).equals(Report.F32)));
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        int s = 0;
        if (!Double.isNaN(full)) {
            XYSeries line = new XYSeries("full");
            line.add(budgets.getFirst().doubleValue(), full);
            line.add(budgets.getLast().doubleValue(), full);
            data.addSeries(line);
            renderer.setSeriesPaint(s, Color.BLACK);
            renderer.setSeriesStroke(s, new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[]{6f, 4f}, 0f));
            renderer.setSeriesShapesVisible(s, false);
            s++;
        }
        for (String t : report.kvTypes()) {
            for (String p : report.policies()) {
                if (p.equals("full")) continue;
                XYSeries series = new XYSeries(seriesName(p, t));
                for (int b : budgets) {
                    double acc = report.accuracy(which.and(r -> r.policy().equals(p) && r.budget() == b && Report.kvType(r).equals(t)));
                    if (!Double.isNaN(acc)) series.add(b, acc);
                }
                data.addSeries(series);
                renderer.setSeriesPaint(s, colour(p));
                renderer.setSeriesStroke(s, typeStroke(report, t));
                s++;
            }
        }
        LogAxis x = new LogAxis("KV budget (average tokens per layer, window included)");
        x.setBase(2);
        x.setTickUnit(new NumberTickUnit(1));
        x.setNumberFormatOverride(new DecimalFormat("0"));
        if (budgets.size() > 1) x.setRange(budgets.getFirst() / 1.2, budgets.getLast() * 1.2);
        else x.setRange(budgets.getFirst() / 2.0, budgets.getFirst() * 2.0);
        NumberAxis y = accuracyAxis();
        XYPlot plot = new XYPlot(data, x, y, renderer);
        styleLinePlot(plot);
        JFreeChart chart = new JFreeChart(title, TITLE, plot, true);
        chart.addSubtitle(new TextTitle("tasks: " + tasks + "; full cache dashed", SUBTITLE));
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    /** Accuracy against the mean live KV bytes kept after the prompt (log scale), one line per policy. */
    static JFreeChart bytesCurves(Report report) {
        Predicate<EvalResult> which = report.inHeadlineTasks();
        XYSeriesCollection data = new XYSeriesCollection();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        int s = 0;
        double minX = Double.MAX_VALUE, maxX = 0;
        for (String t : report.kvTypes()) for (String p : report.policies()) {
            XYSeries series = new XYSeries(seriesName(p, t), true);
            for (Report.Config c : report.configs()) {
                if (!c.policy().equals(p) || !c.kvType().equals(t)) continue;
                double acc = report.accuracy(which.and(Report.of(c)));
                double mib = report.kvBytes(which.and(Report.of(c))) / (1024.0 * 1024);
                if (Double.isNaN(acc) || !(mib > 0)) continue;
                series.add(mib, acc);
                minX = Math.min(minX, mib);
                maxX = Math.max(maxX, mib);
            }
            data.addSeries(series);
            renderer.setSeriesPaint(s, colour(p));
            renderer.setSeriesStroke(s, typeStroke(report, t));
            s++;
        }
        LogAxis x = new LogAxis("KV cache kept after the prompt (MiB, mean per prompt)");
        x.setBase(2);
        x.setTickUnit(new NumberTickUnit(1));   // one tick per power of two
        x.setNumberFormatOverride(new DecimalFormat("0.###"));
        if (maxX > 0) x.setRange(minX / 1.3, maxX * 1.3);
        NumberAxis y = accuracyAxis();
        XYPlot plot = new XYPlot(data, x, y, renderer);
        styleLinePlot(plot);
        JFreeChart chart = new JFreeChart("Accuracy against KV memory", TITLE, plot, true);
        chart.addSubtitle(new TextTitle("tasks: " + String.join(", ", report.headlineTasks()) + "; the full cache is the rightmost point", SUBTITLE));
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    private static NumberAxis accuracyAxis() {
        NumberAxis y = new NumberAxis("accuracy");
        y.setRange(0, 1.05);
        y.setTickUnit(new NumberTickUnit(0.1));
        return y;
    }

    private static void styleLinePlot(XYPlot plot) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xDD, 0xDD, 0xDD));
        plot.setRangeGridlinePaint(new Color(0xDD, 0xDD, 0xDD));
        plot.setOutlinePaint(Color.GRAY);
    }

    /** One colour per policy, the same in every chart. */
    static Color colour(String policy) {
        return switch (policy) {
            case "full" -> Color.BLACK;
            case "streaming" -> new Color(0x9E, 0x9E, 0x9E);
            case "h2o" -> new Color(0xF2, 0x8E, 0x2B);
            case "snapkv" -> new Color(0x4E, 0x79, 0xA7);
            case "pyramid" -> new Color(0xE1, 0x57, 0x59);
            case "adakv" -> new Color(0x76, 0xB7, 0xB2);
            default -> new Color(0x59, 0xA1, 0x4F);
        };
    }
}
