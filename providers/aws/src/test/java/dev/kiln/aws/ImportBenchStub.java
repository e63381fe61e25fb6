package dev.kiln.aws;

import com.adobe.testing.s3mock.S3MockApplication;

import java.util.HashMap;
import java.util.Map;

/**
 * bench/aws-import.sh: a real S3-compatible server (S3Mock) on the given loopback port and the EC2/STS
 * stub of the tests, answering ImportSnapshot and DescribeImportSnapshotTasks like AWS's examples; a
 * separate process so that the uploader's memory is measured alone. Prints the EC2 endpoint.
 */
public final class ImportBenchStub {

    private ImportBenchStub() {
    }

    public static void main(String[] args) throws Exception {
        S3MockApplication.start(new HashMap<>(Map.of(S3MockApplication.PROP_HTTP_PORT, Integer.parseInt(args[0]),
                S3MockApplication.PROP_HTTPS_PORT, S3MockApplication.RANDOM_PORT, S3MockApplication.PROP_SILENT, true)));
        AwsStub aws = new AwsStub();
        aws.ec2("ImportSnapshot", "<importTaskId>" + S3ImportTest.TASK + "</importTaskId>"
                + "<snapshotTaskDetail><status>active</status></snapshotTaskDetail>");
        aws.ec2("DescribeImportSnapshotTasks", "<importSnapshotTaskSet><item><importTaskId>" + S3ImportTest.TASK
                + "</importTaskId><snapshotTaskDetail><status>completed</status><snapshotId>" + S3ImportTest.IMPORTED
                + "</snapshotId></snapshotTaskDetail></item></importSnapshotTaskSet>");
        System.out.println(aws.url());
        System.out.flush();
        Thread.currentThread().join();
    }
}
