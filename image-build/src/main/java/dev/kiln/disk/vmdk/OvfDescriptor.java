package dev.kiln.disk.vmdk;

/**
 * An OVF 1.0 envelope (DMTF DSP0243) for one VM with one streamOptimized disk, in the shape vSphere's
 * Deploy OVF Template and ovftool import: References, DiskSection, NetworkSection and a VirtualSystem
 * with CPU, memory, an LSI Logic SCSI controller, the disk and a VMXNET3 NIC. RASD elements are in
 * schema (alphabetical) order, which strict validators demand.
 */
final class OvfDescriptor {

    static final String STREAM_FORMAT = "http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized";

    private OvfDescriptor() {
    }

    static String xml(String name, String vmdkName, long vmdkSize, long capacity, long populated) {
        String n = escape(name);
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:cim="http://schemas.dmtf.org/wbem/wscim/1/common" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1" xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData" xmlns:vmw="http://www.vmware.com/schema/ovf" xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
                  <References>
                    <File ovf:href="%2$s" ovf:id="file1" ovf:size="%3$d"/>
                  </References>
                  <DiskSection>
                    <Info>Virtual disk information</Info>
                    <Disk ovf:capacity="%4$d" ovf:capacityAllocationUnits="byte" ovf:diskId="vmdisk1" ovf:fileRef="file1" ovf:format="%6$s" ovf:populatedSize="%5$d"/>
                  </DiskSection>
                  <NetworkSection>
                    <Info>The list of logical networks</Info>
                    <Network ovf:name="VM Network">
                      <Description>The VM Network network</Description>
                    </Network>
                  </NetworkSection>
                  <VirtualSystem ovf:id="%1$s">
                    <Info>A virtual machine</Info>
                    <Name>%1$s</Name>
                    <OperatingSystemSection ovf:id="101" vmw:osType="other5xLinux64Guest">
                      <Info>The kind of installed guest operating system</Info>
                    </OperatingSystemSection>
                    <VirtualHardwareSection>
                      <Info>Virtual hardware requirements</Info>
                      <System>
                        <vssd:ElementName>Virtual Hardware Family</vssd:ElementName>
                        <vssd:InstanceID>0</vssd:InstanceID>
                        <vssd:VirtualSystemIdentifier>%1$s</vssd:VirtualSystemIdentifier>
                        <vssd:VirtualSystemType>vmx-13</vssd:VirtualSystemType>
                      </System>
                      <Item>
                        <rasd:AllocationUnits>hertz * 10^6</rasd:AllocationUnits>
                        <rasd:Description>Number of Virtual CPUs</rasd:Description>
                        <rasd:ElementName>1 virtual CPU(s)</rasd:ElementName>
                        <rasd:InstanceID>1</rasd:InstanceID>
                        <rasd:ResourceType>3</rasd:ResourceType>
                        <rasd:VirtualQuantity>1</rasd:VirtualQuantity>
                      </Item>
                      <Item>
                        <rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits>
                        <rasd:Description>Memory Size</rasd:Description>
                        <rasd:ElementName>1024MB of memory</rasd:ElementName>
                        <rasd:InstanceID>2</rasd:InstanceID>
                        <rasd:ResourceType>4</rasd:ResourceType>
                        <rasd:VirtualQuantity>1024</rasd:VirtualQuantity>
                      </Item>
                      <Item>
                        <rasd:Address>0</rasd:Address>
                        <rasd:Description>SCSI Controller</rasd:Description>
                        <rasd:ElementName>SCSI Controller 0</rasd:ElementName>
                        <rasd:InstanceID>3</rasd:InstanceID>
                        <rasd:ResourceSubType>lsilogic</rasd:ResourceSubType>
                        <rasd:ResourceType>6</rasd:ResourceType>
                      </Item>
                      <Item>
                        <rasd:AddressOnParent>0</rasd:AddressOnParent>
                        <rasd:ElementName>Hard Disk 1</rasd:ElementName>
                        <rasd:HostResource>ovf:/disk/vmdisk1</rasd:HostResource>
                        <rasd:InstanceID>4</rasd:InstanceID>
                        <rasd:Parent>3</rasd:Parent>
                        <rasd:ResourceType>17</rasd:ResourceType>
                      </Item>
                      <Item>
                        <rasd:AutomaticAllocation>true</rasd:AutomaticAllocation>
                        <rasd:Connection>VM Network</rasd:Connection>
                        <rasd:ElementName>Ethernet 1</rasd:ElementName>
                        <rasd:InstanceID>5</rasd:InstanceID>
                        <rasd:ResourceSubType>VmxNet3</rasd:ResourceSubType>
                        <rasd:ResourceType>10</rasd:ResourceType>
                      </Item>
                    </VirtualHardwareSection>
                  </VirtualSystem>
                </Envelope>
                """.formatted(n, escape(vmdkName), vmdkSize, capacity, populated, STREAM_FORMAT);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&apos;");
    }
}
