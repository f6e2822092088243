<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
  <context>
    <name>Actions</name>
    <message>
      <location filename="../../app/ui/texts.py" line="141" />
      <source>Report</source>
      <translation>上报</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="142" />
      <source>Register</source>
      <translation>受理</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="143" />
      <source>Send for verification</source>
      <translation>发核实</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="144" />
      <source>Verify</source>
      <translation>核实</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="145" />
      <source>File</source>
      <translation>立案</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="146" />
      <source>Void</source>
      <translation>作废</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="147" />
      <source>Dispatch</source>
      <translation>派遣</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="148" />
      <source>Return (not ours)</source>
      <translation>回退</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="149" />
      <source>Approve return</source>
      <translation>同意回退</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="150" />
      <source>Reject return</source>
      <translation>驳回回退</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="151" />
      <source>Request extension</source>
      <translation>延期申请</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="152" />
      <source>Approve extension</source>
      <translation>同意延期</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="153" />
      <source>Reject extension</source>
      <translation>驳回延期</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="154" />
      <source>Request parking</source>
      <translation>挂账申请</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="155" />
      <source>Approve parking</source>
      <translation>同意挂账</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="156" />
      <source>Reject parking</source>
      <translation>驳回挂账</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="157" />
      <source>Resume from ledger</source>
      <translation>挂账恢复</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="158" />
      <source>Report handling</source>
      <translation>处置反馈</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="159" />
      <source>Send for check</source>
      <translation>发核查</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="160" />
      <source>Check passed</source>
      <translation>核查通过</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="161" />
      <source>Check failed (rework)</source>
      <translation>核查不通过(返工)</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="162" />
      <source>Re-dispatch (wrong department)</source>
      <translation>改派(错误派遣)</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="163" />
      <source>Close</source>
      <translation>结案</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="164" />
      <source>Callback</source>
      <translation>回访</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="165" />
      <source>Urge</source>
      <translation>督办</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="166" />
      <source>Escalate</source>
      <translation>提级</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="167" />
      <source>Self-handle</source>
      <translation>自处理</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="168" />
      <source>Attach photos</source>
      <translation>补充照片</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="169" />
      <source>Merge duplicate</source>
      <translation>合并重复</translation>
    </message>
  </context>
  <context>
    <name>AnalysisDocks</name>
    <message>
      <location filename="../../app/ui/dashboard_panel.py" line="301" />
      <source>Analysis</source>
      <translation>分析</translation>
    </message>
    <message>
      <location filename="../../app/ui/dashboard_panel.py" line="323" />
      <source>%1: %2 cases reported (highlighted on the map)</source>
      <translation>%1：上报 %2 件（已在地图上突出显示）</translation>
    </message>
    <message>
      <location filename="../../app/ui/dashboard_panel.py" line="338" />
      <source>Cases of the chosen day</source>
      <translation>所选日期的案件</translation>
    </message>
    <message>
      <location filename="../../app/ui/dashboard_panel.py" line="339" />
      <source>Reported that day</source>
      <translation>当日上报</translation>
    </message>
    <message>
      <location filename="../../app/ui/dashboard_panel.py" line="358" />
      <source>Trends</source>
      <translation>趋势</translation>
    </message>
    <message>
      <location filename="../../app/ui/dashboard_panel.py" line="359" />
      <source>Grid sizing</source>
      <translation>网格规模核查</translation>
    </message>
    <message>
      <location filename="../../app/ui/dashboard_panel.py" line="369" />
      <location filename="../../app/ui/dashboard_panel.py" line="390" />
      <source>Evaluation</source>
      <translation>考核评价</translation>
    </message>
    <message>
      <location filename="../../app/ui/dashboard_panel.py" line="388" />
      <source>Trends dashboard</source>
      <translation>趋势仪表板</translation>
    </message>
    <message>
      <location filename="../../app/ui/dashboard_panel.py" line="389" />
      <source>Grid sizing check</source>
      <translation>网格规模核查</translation>
    </message>
  </context>
  <context>
    <name>AttributePanel</name>
    <message>
      <location filename="../../app/ui/attribute_panel.py" line="23" />
      <source>Click a feature on the map</source>
      <translation>在地图上点击要素查看属性</translation>
    </message>
    <message>
      <location filename="../../app/ui/attribute_panel.py" line="33" />
      <source>Field</source>
      <translation>字段</translation>
    </message>
    <message>
      <location filename="../../app/ui/attribute_panel.py" line="33" />
      <source>Value</source>
      <translation>值</translation>
    </message>
    <message>
      <location filename="../../app/ui/attribute_panel.py" line="49" />
      <source>Nothing here</source>
      <translation>此处无要素</translation>
    </message>
  </context>
  <context>
    <name>BasemapDialog</name>
    <message>
      <location filename="../../app/ui/basemap_dialog.py" line="42" />
      <source>These tiles are in GCJ-02, the shifted coordinates of Chinese web maps (Gaode/AMap, Tencent), but CityGrid's data are CGCS2000 (WGS-84 to within centimetres): features will appear about 300–500 m away from the same places on the basemap. Use a CGCS2000/WGS-84 tile source (e.g. Tianditu) where you can.</source>
      <translation>这些瓦片采用 GCJ-02 坐标（高德、腾讯等国内网络地图的偏移坐标），而 CityGrid 的数据为 CGCS2000（与 WGS-84 相差仅厘米级）：要素将与底图上的同一地点相差约 300–500 米。请尽量使用 CGCS2000/WGS-84 瓦片源（如天地图）。</translation>
    </message>
    <message>
      <location filename="../../app/ui/basemap_dialog.py" line="58" />
      <source>Add basemap</source>
      <translation>添加底图</translation>
    </message>
    <message>
      <location filename="../../app/ui/basemap_dialog.py" line="66" />
      <source>Tile file</source>
      <translation>瓦片文件</translation>
    </message>
    <message>
      <location filename="../../app/ui/basemap_dialog.py" line="67" />
      <source>Tile server</source>
      <translation>瓦片服务</translation>
    </message>
    <message>
      <location filename="../../app/ui/basemap_dialog.py" line="79" />
      <source>Add</source>
      <translation>添加</translation>
    </message>
    <message>
      <location filename="../../app/ui/basemap_dialog.py" line="92" />
      <source>An .mbtiles or .pmtiles file</source>
      <translation>.mbtiles 或 .pmtiles 文件</translation>
    </message>
    <message>
      <location filename="../../app/ui/basemap_dialog.py" line="93" />
      <source>Browse…</source>
      <translation>浏览…</translation>
    </message>
    <message>
      <location filename="../../app/ui/basemap_dialog.py" line="99" />
      <location filename="../../app/ui/basemap_dialog.py" line="135" />
      <source>Tiles are GCJ-02 (Gaode/AMap, Tencent)</source>
      <translation>瓦片为 GCJ-02 坐标（高德、腾讯）</translation>
    </message>
    <message>
      <location filename="../../app/ui/basemap_dialog.py" line="103" />
      <source>File</source>
      <translation>文件</translation>
    </message>
    <message>
      <location filename="../../app/ui/basemap_dialog.py" line="105" />
      <source>Raster tiles (PNG, JPEG, WebP) in web-mercator. The file is read where it is; nothing is copied.</source>
      <translation>网络墨卡托栅格瓦片（PNG、JPEG、WebP）。直接读取原文件，不复制。</translation>
    </message>
    <message>
      <location filename="../../app/ui/basemap_dialog.py" line="119" />
      <source>Only if the template has {key}</source>
      <translation>仅当模板含 {key} 时填写</translation>
    </message>
    <message>
      <location filename="../../app/ui/basemap_dialog.py" line="124" />
      <source>Shown in the layer list</source>
      <translation>显示在图层列表中</translation>
    </message>
    <message>
      <location filename="../../app/ui/basemap_dialog.py" line="138" />
      <source>Tianditu example</source>
      <translation>天地图示例</translation>
    </message>
    <message>
      <location filename="../../app/ui/basemap_dialog.py" line="142" />
      <source>URL template</source>
      <translation>URL 模板</translation>
    </message>
    <message>
      <location filename="../../app/ui/basemap_dialog.py" line="143" />
      <source>Key</source>
      <translation>密钥</translation>
    </message>
    <message>
      <location filename="../../app/ui/basemap_dialog.py" line="144" />
      <source>Subdomains for {s}</source>
      <translation>{s} 的子域名</translation>
    </message>
    <message>
      <location filename="../../app/ui/basemap_dialog.py" line="145" />
      <source>Title</source>
      <translation>名称</translation>
    </message>
    <message>
      <location filename="../../app/ui/basemap_dialog.py" line="146" />
      <source>Zoom levels</source>
      <translation>缩放级别</translation>
    </message>
    <message>
      <location filename="../../app/ui/basemap_dialog.py" line="149" />
      <source>Placeholders: {z} zoom, {x} column, {y} row from the north ({-y} from the south, TMS), {s} subdomain, {key} the key. WMTS servers: put them in the request, e.g. TILEMATRIX={z}&amp;TILEROW={y}&amp;TILECOL={x}&amp;tk={key}. Only web-mercator tiles. Tiles are fetched in the background and kept in a cache on this computer.</source>
      <translation>占位符：{z} 缩放级别，{x} 列号，{y} 自北起行号（{-y} 自南起，TMS），{s} 子域名，{key} 密钥。WMTS 服务请写入请求参数，如 TILEMATRIX={z}&amp;TILEROW={y}&amp;TILECOL={x}&amp;tk={key}。仅支持网络墨卡托瓦片。瓦片在后台下载并缓存在本机。</translation>
    </message>
    <message>
      <location filename="../../app/ui/basemap_dialog.py" line="163" />
      <source>Tianditu vector</source>
      <translation>天地图矢量</translation>
    </message>
    <message>
      <location filename="../../app/ui/basemap_dialog.py" line="169" />
      <source>Choose a tile file</source>
      <translation>选择瓦片文件</translation>
    </message>
    <message>
      <location filename="../../app/ui/basemap_dialog.py" line="170" />
      <source>Tile archives (*.mbtiles *.pmtiles);;All files (*)</source>
      <translation>瓦片文件 (*.mbtiles *.pmtiles);;所有文件 (*)</translation>
    </message>
    <message>
      <location filename="../../app/ui/basemap_dialog.py" line="199" />
      <source>Choose an .mbtiles or .pmtiles file.</source>
      <translation>请选择 .mbtiles 或 .pmtiles 文件。</translation>
    </message>
    <message>
      <location filename="../../app/ui/basemap_dialog.py" line="203" />
      <source>Enter the tile server's URL template.</source>
      <translation>请输入瓦片服务的 URL 模板。</translation>
    </message>
    <message>
      <location filename="../../app/ui/basemap_dialog.py" line="205" />
      <source>The lowest zoom level is above the highest.</source>
      <translation>最小缩放级别高于最大缩放级别。</translation>
    </message>
    <message>
      <location filename="../../app/ui/basemap_dialog.py" line="216" />
      <source>This basemap cannot be added: %1</source>
      <translation>无法添加此底图：%1</translation>
    </message>
  </context>
  <context>
    <name>CallbackDialog</name>
    <message>
      <location filename="../../app/ui/case_dialogs.py" line="369" />
      <source>Is the caller satisfied with the handling?</source>
      <translation>来电人对处置结果是否满意？</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_dialogs.py" line="370" />
      <source>&amp;Satisfied</source>
      <translation>满意(&amp;S)</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_dialogs.py" line="372" />
      <source>&amp;Not satisfied</source>
      <translation>不满意(&amp;N)</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_dialogs.py" line="384" />
      <source>Not satisfied reopens the case: it goes back to %1 for rework, with a new handling time limit.</source>
      <translation>选择不满意将重新打开案件：退回%1返工，并重新计算处置时限。</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_dialogs.py" line="391" />
      <source>What the caller said</source>
      <translation>来电人反馈</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_dialogs.py" line="393" />
      <source>Note:</source>
      <translation>备注：</translation>
    </message>
  </context>
  <context>
    <name>CasePanel</name>
    <message>
      <location filename="../../app/ui/case_panel.py" line="353" />
      <source>All sources</source>
      <translation>全部来源</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="358" />
      <source>All urgencies</source>
      <translation>全部紧急程度</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="363" />
      <source>All streets</source>
      <translation>全部街道</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="370" />
      <source>Type code, community or grid id</source>
      <translation>类别代码、社区或网格编码</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="401" />
      <source>Refresh (Ctrl+R)</source>
      <translation>刷新 (Ctrl+R)</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="603" />
      <source>Select a case</source>
      <translation>请选择案件</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="638" />
      <source>Handling department</source>
      <translation>处置部门</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="705" />
      <source>The database server cannot be reached. Your decision on case %1 is kept and has not been lost.

Send it again now? (Or later: choose the same action on the case again.)</source>
      <translation>无法连接数据库服务器。您对案件 %1 的处理已保留，没有丢失。

现在重新发送吗？（也可以稍后对该案件再次选择同一操作。）</translation>
    </message>
  </context>
  <context>
    <name>CrsChooser</name>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="123" />
      <source>EPSG code, zone, GCJ-02 or WKT</source>
      <translation>EPSG代码、投影带、GCJ-02或WKT</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="126" />
      <source>As declared by the file</source>
      <translation>按文件声明</translation>
    </message>
  </context>
  <context>
    <name>DashboardPanel</name>
    <message>
      <location filename="../../app/ui/dashboard_panel.py" line="73" />
      <source>Last %1 days</source>
      <translation>最近 %1 天</translation>
    </message>
    <message>
      <location filename="../../app/ui/dashboard_panel.py" line="79" />
      <source>Last day of the window</source>
      <translation>统计截止日</translation>
    </message>
    <message>
      <location filename="../../app/ui/dashboard_panel.py" line="82" />
      <source>All cases</source>
      <translation>全部案件</translation>
    </message>
    <message>
      <location filename="../../app/ui/dashboard_panel.py" line="82" />
      <source>By major class</source>
      <translation>按大类</translation>
    </message>
    <message>
      <location filename="../../app/ui/dashboard_panel.py" line="83" />
      <source>By street</source>
      <translation>按街道</translation>
    </message>
    <message>
      <location filename="../../app/ui/dashboard_panel.py" line="83" />
      <source>By type</source>
      <translation>按小类</translation>
    </message>
    <message>
      <location filename="../../app/ui/dashboard_panel.py" line="89" />
      <source>Compute</source>
      <translation>计算</translation>
    </message>
    <message>
      <location filename="../../app/ui/dashboard_panel.py" line="108" />
      <source>Volume (cases reported)</source>
      <translation>案件量（上报数）</translation>
    </message>
    <message>
      <location filename="../../app/ui/dashboard_panel.py" line="109" />
      <source>On-time closure rate (%)</source>
      <translation>按期结案率（%）</translation>
    </message>
    <message>
      <location filename="../../app/ui/dashboard_panel.py" line="110" />
      <source>Mean handling time (h)</source>
      <translation>平均处置时长（小时）</translation>
    </message>
    <message>
      <location filename="../../app/ui/dashboard_panel.py" line="111" />
      <source>Backlog (open at end of day)</source>
      <translation>积压（日末在办）</translation>
    </message>
    <message>
      <location filename="../../app/ui/dashboard_panel.py" line="165" />
      <source>Computing…</source>
      <translation>正在计算…</translation>
    </message>
    <message>
      <location filename="../../app/ui/dashboard_panel.py" line="184" />
      <source>All</source>
      <translation>全部</translation>
    </message>
    <message>
      <location filename="../../app/ui/dashboard_panel.py" line="194" />
      <source>Trends failed: %1</source>
      <translation>趋势统计失败：%1</translation>
    </message>
    <message>
      <location filename="../../app/ui/dashboard_panel.py" line="234" />
      <source>%1 – %2: %3 cases, on time %4</source>
      <translation>%1 至 %2：共 %3 件，按期结案 %4</translation>
    </message>
  </context>
  <context>
    <name>DispatchDialog</name>
    <message>
      <location filename="../../app/ui/case_dialogs.py" line="139" />
      <source>Search department name or code</source>
      <translation>搜索部门名称或代码</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_dialogs.py" line="152" />
      <source>suggested</source>
      <translation>建议</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_dialogs.py" line="169" />
      <source>Suggested: %1</source>
      <translation>建议：%1</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_dialogs.py" line="175" />
      <source>Deadline after dispatch: %1 (%2 of working time left)</source>
      <translation>派遣后处置时限：%1（剩余工作时间 %2）</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_dialogs.py" line="176" />
      <source>Deadline after dispatch: %1 (%2 left)</source>
      <translation>派遣后处置时限：%1（剩余 %2）</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_dialogs.py" line="180" />
      <source>Deadline after dispatch: none</source>
      <translation>派遣后处置时限：无</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_dialogs.py" line="183" />
      <source>Optional note for the department</source>
      <translation>给部门的附言（可选）</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_dialogs.py" line="190" />
      <source>Note:</source>
      <translation>备注：</translation>
    </message>
  </context>
  <context>
    <name>DuplicateDialog</name>
    <message>
      <location filename="../../app/ui/intake_dialog.py" line="100" />
      <source>Possible duplicates</source>
      <translation>疑似重复案件</translation>
    </message>
    <message>
      <location filename="../../app/ui/intake_dialog.py" line="105" />
      <source>Open cases of this type were reported nearby. If the caller describes one of them, merge the call into it.</source>
      <translation>附近已有同类未结案件。如来电反映的是其中之一，请将本次来电合并到该案件。</translation>
    </message>
    <message>
      <location filename="../../app/ui/intake_dialog.py" line="111" />
      <source>Distance</source>
      <translation>距离</translation>
    </message>
    <message>
      <location filename="../../app/ui/intake_dialog.py" line="126" />
      <source>%1 m</source>
      <translation>%1 米</translation>
    </message>
    <message>
      <location filename="../../app/ui/intake_dialog.py" line="138" />
      <source>Merge into selected case</source>
      <translation>合并到所选案件</translation>
    </message>
    <message>
      <location filename="../../app/ui/intake_dialog.py" line="141" />
      <source>Report as a new case</source>
      <translation>作为新案件上报</translation>
    </message>
    <message>
      <location filename="../../app/ui/intake_dialog.py" line="144" />
      <source>Back to the form</source>
      <translation>返回填写</translation>
    </message>
  </context>
  <context>
    <name>DuplicatesDialog</name>
    <message>
      <location filename="../../app/ui/case_dialogs.py" line="509" />
      <source>Possible duplicates</source>
      <translation>疑似重复案件</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_dialogs.py" line="513" />
      <source>Report %1 may repeat these open cases of the same type. Merge it into the selected case (the report is voided and linked to it), or register it as a new case.</source>
      <translation>上报 %1 可能与以下同类在办案件重复。可合并到所选案件（本上报作废并关联到该案件），或作为新案件受理。</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_dialogs.py" line="519" />
      <source>Distance</source>
      <translation>距离</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_dialogs.py" line="543" />
      <source>&amp;Merge into selected</source>
      <translation>合并到所选案件(&amp;M)</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_dialogs.py" line="546" />
      <source>&amp;Register anyway</source>
      <translation>仍然受理(&amp;R)</translation>
    </message>
  </context>
  <context>
    <name>EvaluationPanel</name>
    <message>
      <location filename="../../app/ui/evaluation_panel.py" line="71" />
      <source>Last day of the period (included)</source>
      <translation>考核期末日（含）</translation>
    </message>
    <message>
      <location filename="../../app/ui/evaluation_panel.py" line="77" />
      <source>Evaluate</source>
      <translation>考核</translation>
    </message>
    <message>
      <location filename="../../app/ui/evaluation_panel.py" line="86" />
      <source>From</source>
      <translation>自</translation>
    </message>
    <message>
      <location filename="../../app/ui/evaluation_panel.py" line="86" />
      <source>to</source>
      <translation>至</translation>
    </message>
    <message>
      <location filename="../../app/ui/evaluation_panel.py" line="104" />
      <source>Double-click a rate to list its cases</source>
      <translation>双击比率列出对应案件</translation>
    </message>
    <message>
      <location filename="../../app/ui/evaluation_panel.py" line="149" />
      <source>Evaluating…</source>
      <translation>正在考核…</translation>
    </message>
    <message>
      <location filename="../../app/ui/evaluation_panel.py" line="161" />
      <source>Id</source>
      <translation>编号</translation>
    </message>
    <message>
      <location filename="../../app/ui/evaluation_panel.py" line="161" />
      <source>Name</source>
      <translation>名称</translation>
    </message>
    <message>
      <location filename="../../app/ui/evaluation_panel.py" line="161" />
      <source>Score</source>
      <translation>得分</translation>
    </message>
    <message>
      <location filename="../../app/ui/evaluation_panel.py" line="161" />
      <source>Grade</source>
      <translation>等级</translation>
    </message>
    <message>
      <location filename="../../app/ui/evaluation_panel.py" line="198" />
      <source>No case list for this figure</source>
      <translation>此项无案件清单</translation>
    </message>
  </context>
  <context>
    <name>ExportDialog</name>
    <message>
      <location filename="../../app/ui/export_dialog.py" line="66" />
      <location filename="../../app/ui/export_dialog.py" line="206" />
      <source>Export layer</source>
      <translation>导出图层</translation>
    </message>
    <message>
      <location filename="../../app/ui/export_dialog.py" line="82" />
      <source>File name: .gpkg, .geojson, .shp, .csv or .xlsx</source>
      <translation>文件名：.gpkg、.geojson、.shp、.csv或.xlsx</translation>
    </message>
    <message>
      <location filename="../../app/ui/export_dialog.py" line="85" />
      <source>Browse…</source>
      <translation>浏览…</translation>
    </message>
    <message>
      <location filename="../../app/ui/export_dialog.py" line="100" />
      <source>Layer:</source>
      <translation>图层：</translation>
    </message>
    <message>
      <location filename="../../app/ui/export_dialog.py" line="101" />
      <source>File:</source>
      <translation>文件：</translation>
    </message>
    <message>
      <location filename="../../app/ui/export_dialog.py" line="102" />
      <source>Format:</source>
      <translation>格式：</translation>
    </message>
    <message>
      <location filename="../../app/ui/export_dialog.py" line="103" />
      <source>Coordinates:</source>
      <translation>坐标系：</translation>
    </message>
    <message>
      <location filename="../../app/ui/export_dialog.py" line="112" />
      <source>Export</source>
      <translation>导出</translation>
    </message>
    <message>
      <location filename="../../app/ui/export_dialog.py" line="116" />
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
    <message>
      <location filename="../../app/ui/export_dialog.py" line="120" />
      <source>Close</source>
      <translation>关闭</translation>
    </message>
    <message>
      <location filename="../../app/ui/export_dialog.py" line="179" />
      <source>Exporting…</source>
      <translation>正在导出…</translation>
    </message>
    <message>
      <location filename="../../app/ui/export_dialog.py" line="187" />
      <source>Cancelling…</source>
      <translation>正在取消…</translation>
    </message>
    <message>
      <location filename="../../app/ui/export_dialog.py" line="218" />
      <source>Choose the file to write.</source>
      <translation>请选择要写入的文件。</translation>
    </message>
    <message>
      <location filename="../../app/ui/export_dialog.py" line="222" />
      <source>Choose the coordinate system of the file.</source>
      <translation>请选择文件的坐标系。</translation>
    </message>
    <message>
      <location filename="../../app/ui/export_dialog.py" line="229" />
      <source>An Excel sheet holds at most %1 rows; this layer has %2. Export to GeoPackage or CSV.</source>
      <translation>Excel工作表最多%1行；该图层有%2个要素。请导出为GeoPackage或CSV。</translation>
    </message>
    <message>
      <location filename="../../app/ui/export_dialog.py" line="240" />
      <source>The format follows the file's extension.</source>
      <translation>格式由文件扩展名决定。</translation>
    </message>
    <message>
      <location filename="../../app/ui/export_dialog.py" line="254" />
      <source>polygons as a WKT column</source>
      <translation>多边形为WKT列</translation>
    </message>
    <message>
      <location filename="../../app/ui/export_dialog.py" line="255" />
      <source>points as %1 columns</source>
      <translation>点为%1列</translation>
    </message>
    <message>
      <location filename="../../app/ui/export_dialog.py" line="258" />
      <source>always WGS-84 longitude/latitude (RFC 7946)</source>
      <translation>始终为WGS-84经纬度（RFC 7946）</translation>
    </message>
    <message>
      <location filename="../../app/ui/export_dialog.py" line="260" />
      <source>UTF-8 (.cpg), standard field names of ≤ 10 characters</source>
      <translation>UTF-8（.cpg），标准字段名不超过10个字符</translation>
    </message>
    <message>
      <location filename="../../app/ui/export_dialog.py" line="281" />
      <source>Exported %1 features to %2 in %3 s.</source>
      <translation>已导出%1个要素到%2，用时%3秒。</translation>
    </message>
    <message>
      <location filename="../../app/ui/export_dialog.py" line="289" />
      <source>Cancelled: no file was written.</source>
      <translation>已取消：未写入文件。</translation>
    </message>
  </context>
  <context>
    <name>ExtensionDialog</name>
    <message>
      <location filename="../../app/ui/case_dialogs.py" line="322" />
      <source>Working hours: the clock runs only in working time</source>
      <translation>工作时：仅在工作时间内计时</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_dialogs.py" line="323" />
      <source>Calendar hours</source>
      <translation>自然小时</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_dialogs.py" line="328" />
      <source>Hours asked for:</source>
      <translation>申请时长：</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_dialogs.py" line="329" />
      <source>Hours to grant:</source>
      <translation>批准时长：</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_dialogs.py" line="331" />
      <source>Extra hours:</source>
      <translation>延期时长：</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_dialogs.py" line="333" />
      <source>Note:</source>
      <translation>备注：</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_dialogs.py" line="333" />
      <source>Reason:</source>
      <translation>原因/意见：</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_dialogs.py" line="335" />
      <source>Optional note</source>
      <translation>备注（可选）</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_dialogs.py" line="336" />
      <source>Why does the department need more time?</source>
      <translation>部门为何需要延期？</translation>
    </message>
  </context>
  <context>
    <name>HandleDialog</name>
    <message>
      <location filename="../../app/ui/case_dialogs.py" line="427" />
      <source>What was done (e.g. cleared, repaired)</source>
      <translation>处置情况（如已清运、已修复）</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_dialogs.py" line="432" />
      <source>Add photos…</source>
      <translation>添加照片…</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_dialogs.py" line="436" />
      <source>Remove</source>
      <translation>移除</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_dialogs.py" line="452" />
      <source>Photos of the result:</source>
      <translation>处置后照片：</translation>
    </message>
  </context>
  <context>
    <name>HotspotPanel</name>
    <message>
      <location filename="../../app/ui/hotspot_panel.py" line="174" />
      <source>Window</source>
      <translation>时段</translation>
    </message>
    <message>
      <location filename="../../app/ui/hotspot_panel.py" line="177" />
      <source>All classes</source>
      <translation>全部大类</translation>
    </message>
    <message>
      <location filename="../../app/ui/hotspot_panel.py" line="179" />
      <source>Part</source>
      <translation>部件</translation>
    </message>
    <message>
      <location filename="../../app/ui/hotspot_panel.py" line="180" />
      <source>Matter</source>
      <translation>事项</translation>
    </message>
    <message>
      <location filename="../../app/ui/hotspot_panel.py" line="183" />
      <source>Major class</source>
      <translation>大类</translation>
    </message>
    <message>
      <location filename="../../app/ui/hotspot_panel.py" line="185" />
      <source>Type code, e.g. 06010</source>
      <translation>类别代码，如 06010</translation>
    </message>
    <message>
      <location filename="../../app/ui/hotspot_panel.py" line="186" />
      <source>Type code</source>
      <translation>类别代码</translation>
    </message>
    <message>
      <location filename="../../app/ui/hotspot_panel.py" line="188" />
      <source>All sources</source>
      <translation>全部来源</translation>
    </message>
    <message>
      <location filename="../../app/ui/hotspot_panel.py" line="191" />
      <source>Source</source>
      <translation>来源</translation>
    </message>
    <message>
      <location filename="../../app/ui/hotspot_panel.py" line="193" />
      <source>Unit grid</source>
      <translation>单元网格</translation>
    </message>
    <message>
      <location filename="../../app/ui/hotspot_panel.py" line="193" />
      <source>Community</source>
      <translation>社区</translation>
    </message>
    <message>
      <location filename="../../app/ui/hotspot_panel.py" line="194" />
      <source>Street</source>
      <translation>街道</translation>
    </message>
    <message>
      <location filename="../../app/ui/hotspot_panel.py" line="196" />
      <source>Level</source>
      <translation>层级</translation>
    </message>
    <message>
      <location filename="../../app/ui/hotspot_panel.py" line="198" />
      <source>Case count</source>
      <translation>案件数</translation>
    </message>
    <message>
      <location filename="../../app/ui/hotspot_panel.py" line="198" />
      <source>Per km²</source>
      <translation>每平方公里</translation>
    </message>
    <message>
      <location filename="../../app/ui/hotspot_panel.py" line="199" />
      <source>Per 1,000 residents</source>
      <translation>每千常住人口</translation>
    </message>
    <message>
      <location filename="../../app/ui/hotspot_panel.py" line="200" />
      <source>Gi* hot/cold spots</source>
      <translation>Gi* 冷热点</translation>
    </message>
    <message>
      <location filename="../../app/ui/hotspot_panel.py" line="201" />
      <source>Local Moran clusters</source>
      <translation>局部 Moran 聚类</translation>
    </message>
    <message>
      <location filename="../../app/ui/hotspot_panel.py" line="205" />
      <source>Measure</source>
      <translation>指标</translation>
    </message>
    <message>
      <location filename="../../app/ui/hotspot_panel.py" line="206" />
      <source>Kernel density (KDE)</source>
      <translation>核密度（KDE）</translation>
    </message>
    <message>
      <location filename="../../app/ui/hotspot_panel.py" line="212" />
      <source>Compute</source>
      <translation>计算</translation>
    </message>
    <message>
      <location filename="../../app/ui/hotspot_panel.py" line="231" />
      <source>Day by day</source>
      <translation>逐日回放</translation>
    </message>
    <message>
      <location filename="../../app/ui/hotspot_panel.py" line="233" />
      <location filename="../../app/ui/hotspot_panel.py" line="492" />
      <source>Play</source>
      <translation>播放</translation>
    </message>
    <message>
      <location filename="../../app/ui/hotspot_panel.py" line="251" />
      <source>Recurring problems</source>
      <translation>反复发生问题</translation>
    </message>
    <message>
      <location filename="../../app/ui/hotspot_panel.py" line="260" />
      <source>Find</source>
      <translation>查找</translation>
    </message>
    <message>
      <location filename="../../app/ui/hotspot_panel.py" line="263" />
      <source> times</source>
      <translation> 次</translation>
    </message>
    <message>
      <location filename="../../app/ui/hotspot_panel.py" line="264" />
      <source> days</source>
      <translation> 天</translation>
    </message>
    <message>
      <location filename="../../app/ui/hotspot_panel.py" line="265" />
      <source>At least</source>
      <translation>至少</translation>
    </message>
    <message>
      <location filename="../../app/ui/hotspot_panel.py" line="267" />
      <source>within</source>
      <translation>，时限</translation>
    </message>
    <message>
      <location filename="../../app/ui/hotspot_panel.py" line="274" />
      <source>Type</source>
      <translation>类别</translation>
    </message>
    <message>
      <location filename="../../app/ui/hotspot_panel.py" line="274" />
      <source>Grid</source>
      <translation>网格</translation>
    </message>
    <message>
      <location filename="../../app/ui/hotspot_panel.py" line="274" />
      <source>Times</source>
      <translation>次数</translation>
    </message>
    <message>
      <location filename="../../app/ui/hotspot_panel.py" line="274" />
      <source>Last</source>
      <translation>最近一次</translation>
    </message>
    <message>
      <location filename="../../app/ui/hotspot_panel.py" line="335" />
      <source>The window ends before it starts.</source>
      <translation>结束日期早于开始日期。</translation>
    </message>
    <message>
      <location filename="../../app/ui/hotspot_panel.py" line="344" />
      <source>Computing…</source>
      <translation>正在计算…</translation>
    </message>
    <message>
      <location filename="../../app/ui/hotspot_panel.py" line="358" />
      <location filename="../../app/ui/hotspot_panel.py" line="521" />
      <source>Hotspot analysis failed: %1</source>
      <translation>热点分析失败：%1</translation>
    </message>
    <message>
      <location filename="../../app/ui/hotspot_panel.py" line="366" />
      <source>The map has no layer for this level yet.</source>
      <translation>地图上还没有该层级的图层。</translation>
    </message>
    <message>
      <location filename="../../app/ui/hotspot_panel.py" line="374" />
      <source>Hotspots</source>
      <translation>热点分析</translation>
    </message>
    <message>
      <location filename="../../app/ui/hotspot_panel.py" line="382" />
      <source>Kernel density</source>
      <translation>核密度</translation>
    </message>
    <message>
      <location filename="../../app/ui/hotspot_panel.py" line="398" />
      <location filename="../../app/ui/hotspot_panel.py" line="476" />
      <source>Whole window</source>
      <translation>整个时段</translation>
    </message>
    <message>
      <location filename="../../app/ui/hotspot_panel.py" line="404" />
      <source>%1 hot and %2 cold grids</source>
      <translation>热点网格 %1 个，冷点网格 %2 个</translation>
    </message>
    <message>
      <location filename="../../app/ui/hotspot_panel.py" line="407" />
      <source>%1 areas, %2 cases</source>
      <translation>%1 个区域，%2 件案件</translation>
    </message>
    <message>
      <location filename="../../app/ui/hotspot_panel.py" line="489" />
      <source>Pause</source>
      <translation>暂停</translation>
    </message>
  </context>
  <context>
    <name>ImportDialog</name>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="189" />
      <location filename="../../app/ui/import_dialog.py" line="409" />
      <source>Import layer</source>
      <translation>导入图层</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="204" />
      <source>GeoPackage, GeoJSON, Shapefile, CSV or XLSX file</source>
      <translation>GeoPackage、GeoJSON、Shapefile、CSV或XLSX文件</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="208" />
      <source>Browse…</source>
      <translation>浏览…</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="224" />
      <source>Layer:</source>
      <translation>图层：</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="225" />
      <source>File:</source>
      <translation>文件：</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="227" />
      <source>Coordinates:</source>
      <translation>坐标系：</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="233" />
      <source>Column in the file</source>
      <translation>文件中的列</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="234" />
      <source>CityGrid field</source>
      <translation>CityGrid字段</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="244" />
      <source>Field mapping</source>
      <translation>字段对应</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="250" />
      <source>Choose a file, then check it with a dry run.</source>
      <translation>请选择文件，然后试运行检查。</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="262" />
      <source>Row</source>
      <translation>行</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="262" />
      <source>Feature</source>
      <translation>要素</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="262" />
      <source>Rule</source>
      <translation>规则</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="262" />
      <source>Problem</source>
      <translation>问题</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="277" />
      <source>Save rejections as CSV…</source>
      <translation>将拒绝项保存为CSV…</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="282" />
      <source>Report</source>
      <translation>报告</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="295" />
      <source>Accept valid features only (skip the rejected ones)</source>
      <translation>仅接受有效要素（跳过被拒绝的）</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="298" />
      <source>Repair invalid polygons</source>
      <translation>修复无效多边形</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="300" />
      <source>Replace the whole layer</source>
      <translation>替换整个图层</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="303" />
      <source>Unit grids and parts only: the file replaces every stored feature of the layer</source>
      <translation>仅限单元网格和部件：用文件替换该图层全部已存要素</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="318" />
      <source>Check (dry run)</source>
      <translation>检查（试运行）</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="321" />
      <source>Import</source>
      <translation>导入</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="324" />
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="328" />
      <source>Close</source>
      <translation>关闭</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="371" />
      <source>Reading the file…</source>
      <translation>正在读取文件…</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="410" />
      <source>GIS files (%1);;All files (*)</source>
      <translation>GIS文件 (%1);;所有文件 (*)</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="418" />
      <source>%1 features</source>
      <translation>%1个要素</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="419" />
      <source>features not counted</source>
      <translation>要素数未统计</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="424" />
      <source>(choose — the file declares none)</source>
      <translation>（请选择——文件未声明）</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="428" />
      <source>As declared by the file</source>
      <translation>按文件声明</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="458" />
      <source>(coordinates)</source>
      <translation>（坐标）</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="458" />
      <source>(geometry)</source>
      <translation>（几何）</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="462" />
      <source>(ignore)</source>
      <translation>（忽略）</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="484" />
      <source>Each field takes one column: %1 is chosen more than once.</source>
      <translation>每个字段只能对应一列：%1 被选择了多次。</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="489" />
      <source>Required field without a column: %1</source>
      <translation>必填字段没有对应的列：%1</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="500" />
      <source>Declared by the file: %1</source>
      <translation>文件声明：%1</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="501" />
      <source>The file declares %1; its coordinates will be read in the CRS chosen above instead.</source>
      <translation>文件声明为%1；将改按上面选择的坐标系读取坐标。</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="506" />
      <source>The file declares no coordinate system: choose the one its coordinates are in.</source>
      <translation>文件未声明坐标系：请选择其坐标所用的坐标系。</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="510" />
      <source>The file declares no coordinate system; its coordinates will be read in the CRS chosen above.</source>
      <translation>文件未声明坐标系；将按上面选择的坐标系读取坐标。</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="519" />
      <source>Fields without a column are derived or left empty.</source>
      <translation>没有对应列的字段将自动推导或留空。</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="585" />
      <source>Checking…</source>
      <translation>正在检查…</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="585" />
      <source>Importing…</source>
      <translation>正在导入…</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="597" />
      <source>Cancelling…</source>
      <translation>正在取消…</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="616" />
      <source>%1 features: %2 accepted, %3 rejected.</source>
      <translation>%1个要素：接受%2个，拒绝%3个。</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="620" />
      <source>Cancelled: nothing was written.</source>
      <translation>已取消：未写入任何内容。</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="623" />
      <source>Dry run: nothing was written. The import would write %1 features.</source>
      <translation>试运行：未写入任何内容。正式导入将写入%1个要素。</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="626" />
      <source>Dry run: nothing was written. As it is, the import would be refused: fix the rejected features, or tick “Accept valid features only”.</source>
      <translation>试运行：未写入任何内容。按现状导入将被拒绝：请修正被拒绝的要素，或勾选“仅接受有效要素”。</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="631" />
      <source>Imported: %1 features written.</source>
      <translation>导入完成：已写入%1个要素。</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="635" />
      <source>Nothing was written: fix the rejected features, or tick “Accept valid features only”. The store is unchanged.</source>
      <translation>未写入任何内容：请修正被拒绝的要素，或勾选“仅接受有效要素”。数据库未改变。</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="663" />
      <source>Row %1: %2</source>
      <translation>第%1行：%2</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="669" />
      <source>The file was refused: %1 The store is unchanged.</source>
      <translation>文件被拒绝：%1 数据库未改变。</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="677" />
      <source>Save rejections as CSV</source>
      <translation>将拒绝项保存为CSV</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="678" />
      <source>CSV files (*.csv)</source>
      <translation>CSV文件 (*.csv)</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="685" />
      <source>Could not save %1: %2</source>
      <translation>无法保存%1：%2</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="689" />
      <source>%1 rejections saved to %2</source>
      <translation>已将%1条拒绝记录保存到%2</translation>
    </message>
  </context>
  <context>
    <name>ImportExport</name>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="78" />
      <source>Streets</source>
      <translation>街道</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="79" />
      <source>Communities</source>
      <translation>社区</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="80" />
      <source>Unit grids</source>
      <translation>单元网格</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="81" />
      <source>Parts</source>
      <translation>部件</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="82" />
      <source>Cases</source>
      <translation>案件</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="87" />
      <source>CGCS2000 longitude/latitude</source>
      <translation>CGCS2000 经纬度</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="88" />
      <source>WGS-84 longitude/latitude (GPS)</source>
      <translation>WGS-84 经纬度（GPS）</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="89" />
      <source>CGCS2000 / 3-degree Gauss-Krüger CM 117E</source>
      <translation>CGCS2000 / 3度带高斯-克吕格 中央经线117°E</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="90" />
      <source>CGCS2000 / 3-degree Gauss-Krüger zone 39 (zone in the x)</source>
      <translation>CGCS2000 / 3度带高斯-克吕格 第39带（X含带号）</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="92" />
      <source>Beijing 1954 / 3-degree Gauss-Krüger CM 117E</source>
      <translation>北京1954 / 3度带高斯-克吕格 中央经线117°E</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="93" />
      <source>Xian 1980 / 3-degree Gauss-Krüger CM 117E</source>
      <translation>西安1980 / 3度带高斯-克吕格 中央经线117°E</translation>
    </message>
    <message>
      <location filename="../../app/ui/import_dialog.py" line="94" />
      <source>GCJ-02 (Chinese web maps, 火星坐标)</source>
      <translation>GCJ-02（国内网络地图，火星坐标）</translation>
    </message>
  </context>
  <context>
    <name>IntakeDialog</name>
    <message>
      <location filename="../../app/ui/intake_dialog.py" line="214" />
      <source>Hotline intake</source>
      <translation>热线受理</translation>
    </message>
    <message>
      <location filename="../../app/ui/intake_dialog.py" line="215" />
      <source>Case intake</source>
      <translation>案件受理</translation>
    </message>
    <message>
      <location filename="../../app/ui/intake_dialog.py" line="220" />
      <source>Optional</source>
      <translation>选填</translation>
    </message>
    <message>
      <location filename="../../app/ui/intake_dialog.py" line="224" />
      <source>7–12 digits, optional</source>
      <translation>7–12 位数字，选填</translation>
    </message>
    <message>
      <location filename="../../app/ui/intake_dialog.py" line="227" />
      <source>Street, building, landmark as the caller says</source>
      <translation>按来电人描述填写街道、楼栋、标志物</translation>
    </message>
    <message>
      <location filename="../../app/ui/intake_dialog.py" line="229" />
      <location filename="../../app/ui/intake_dialog.py" line="552" />
      <source>Not set</source>
      <translation>未选定</translation>
    </message>
    <message>
      <location filename="../../app/ui/intake_dialog.py" line="232" />
      <source>Pick on map</source>
      <translation>地图选点</translation>
    </message>
    <message>
      <location filename="../../app/ui/intake_dialog.py" line="234" />
      <source>Click the place on the map (Ctrl+M)</source>
      <translation>在地图上点击位置 (Ctrl+M)</translation>
    </message>
    <message>
      <location filename="../../app/ui/intake_dialog.py" line="249" />
      <source>What the caller reports (required)</source>
      <translation>来电反映的问题（必填）</translation>
    </message>
    <message>
      <location filename="../../app/ui/intake_dialog.py" line="262" />
      <source>Add photos…</source>
      <translation>添加照片…</translation>
    </message>
    <message>
      <location filename="../../app/ui/intake_dialog.py" line="265" />
      <source>Remove</source>
      <translation>移除</translation>
    </message>
    <message>
      <location filename="../../app/ui/intake_dialog.py" line="279" />
      <source>Submit (Ctrl+Enter)</source>
      <translation>提交 (Ctrl+Enter)</translation>
    </message>
    <message>
      <location filename="../../app/ui/intake_dialog.py" line="282" />
      <source>Clear form</source>
      <translation>清空表单</translation>
    </message>
    <message>
      <location filename="../../app/ui/intake_dialog.py" line="285" />
      <source>Close</source>
      <translation>关闭</translation>
    </message>
    <message>
      <location filename="../../app/ui/intake_dialog.py" line="313" />
      <source>Phone</source>
      <translation>电话</translation>
    </message>
    <message>
      <location filename="../../app/ui/intake_dialog.py" line="325" />
      <source>Caller</source>
      <translation>来电人</translation>
    </message>
    <message>
      <location filename="../../app/ui/intake_dialog.py" line="328" />
      <source>Address</source>
      <translation>地址</translation>
    </message>
    <message>
      <location filename="../../app/ui/intake_dialog.py" line="329" />
      <source>Location</source>
      <translation>位置</translation>
    </message>
    <message>
      <location filename="../../app/ui/intake_dialog.py" line="335" />
      <source>Photos</source>
      <translation>照片</translation>
    </message>
    <message>
      <location filename="../../app/ui/intake_dialog.py" line="376" />
      <source>This point is outside the district: pick a point inside a unit grid</source>
      <translation>该点不在本区范围内：请在单元网格内选点</translation>
    </message>
    <message>
      <location filename="../../app/ui/intake_dialog.py" line="396" />
      <source>Add photos</source>
      <translation>添加照片</translation>
    </message>
    <message>
      <location filename="../../app/ui/intake_dialog.py" line="397" />
      <source>Images (*.jpg *.jpeg *.png *.gif *.bmp *.webp);;All files (*)</source>
      <translation>图片 (*.jpg *.jpeg *.png *.gif *.bmp *.webp);;所有文件 (*)</translation>
    </message>
    <message>
      <location filename="../../app/ui/intake_dialog.py" line="410" />
      <source>%1 is already added</source>
      <translation>%1 已添加</translation>
    </message>
    <message>
      <location filename="../../app/ui/intake_dialog.py" line="416" />
      <source>Not added: %1</source>
      <translation>未添加：%1</translation>
    </message>
    <message>
      <location filename="../../app/ui/intake_dialog.py" line="440" />
      <source>A phone number has 7–12 digits; leave it empty if unknown</source>
      <translation>电话号码为 7–12 位数字；不清楚可留空</translation>
    </message>
    <message>
      <location filename="../../app/ui/intake_dialog.py" line="443" />
      <source>Pick the location on the map</source>
      <translation>请在地图上选定位置</translation>
    </message>
    <message>
      <location filename="../../app/ui/intake_dialog.py" line="445" />
      <source>Choose the case type</source>
      <translation>请选择案件类别</translation>
    </message>
    <message>
      <location filename="../../app/ui/intake_dialog.py" line="447" />
      <source>Describe the problem</source>
      <translation>请填写问题描述</translation>
    </message>
    <message>
      <location filename="../../app/ui/intake_dialog.py" line="465" />
      <source>Not submitted: complete the marked fields</source>
      <translation>未提交：请完善标红的内容</translation>
    </message>
    <message>
      <location filename="../../app/ui/intake_dialog.py" line="475" />
      <source>Not submitted: %1</source>
      <translation>未提交：%1</translation>
    </message>
    <message>
      <location filename="../../app/ui/intake_dialog.py" line="481" />
      <source>Not submitted yet: the form is kept</source>
      <translation>尚未提交：已保留填写内容</translation>
    </message>
    <message>
      <location filename="../../app/ui/intake_dialog.py" line="494" />
      <source>Not reported — the server cannot be reached; the form is kept, submit again when it is back (%1)</source>
      <translation>未上报——无法连接服务器；表单内容已保留，连接恢复后请再次提交（%1）</translation>
    </message>
    <message>
      <location filename="../../app/ui/intake_dialog.py" line="499" />
      <source>Not reported: %1</source>
      <translation>未上报：%1</translation>
    </message>
    <message>
      <location filename="../../app/ui/intake_dialog.py" line="502" />
      <source>Case %1 reported</source>
      <translation>案件 %1 已上报</translation>
    </message>
    <message>
      <location filename="../../app/ui/intake_dialog.py" line="510" />
      <source>Case %1 reported, but not merged into %2: %3</source>
      <translation>案件 %1 已上报，但未能合并到 %2：%3</translation>
    </message>
    <message>
      <location filename="../../app/ui/intake_dialog.py" line="514" />
      <source>Case %1 merged into %2</source>
      <translation>案件 %1 已合并到 %2</translation>
    </message>
  </context>
  <context>
    <name>LayerPanel</name>
    <message>
      <location filename="../../app/ui/layer_panel.py" line="58" />
      <source>Show labels</source>
      <translation>显示注记</translation>
    </message>
    <message>
      <location filename="../../app/ui/layer_panel.py" line="61" />
      <source>Colour…</source>
      <translation>颜色…</translation>
    </message>
    <message>
      <location filename="../../app/ui/layer_panel.py" line="64" />
      <source>Zoom to layer</source>
      <translation>缩放至图层</translation>
    </message>
    <message>
      <location filename="../../app/ui/layer_panel.py" line="68" />
      <source>Move layer up</source>
      <translation>上移图层</translation>
    </message>
    <message>
      <location filename="../../app/ui/layer_panel.py" line="71" />
      <source>Move layer down</source>
      <translation>下移图层</translation>
    </message>
    <message>
      <location filename="../../app/ui/layer_panel.py" line="75" />
      <source>Add basemap…</source>
      <translation>添加底图…</translation>
    </message>
    <message>
      <location filename="../../app/ui/layer_panel.py" line="78" />
      <source>Add a basemap from an MBTiles or PMTiles file or an intranet tile server</source>
      <translation>从 MBTiles / PMTiles 文件或内网瓦片服务添加底图</translation>
    </message>
    <message>
      <location filename="../../app/ui/layer_panel.py" line="80" />
      <source>Remove</source>
      <translation>移除</translation>
    </message>
    <message>
      <location filename="../../app/ui/layer_panel.py" line="82" />
      <source>Remove the selected basemap from the map</source>
      <translation>从地图中移除所选底图</translation>
    </message>
    <message>
      <location filename="../../app/ui/layer_panel.py" line="99" />
      <source>Opacity</source>
      <translation>不透明度</translation>
    </message>
    <message>
      <location filename="../../app/ui/layer_panel.py" line="221" />
      <source>Layer colour</source>
      <translation>图层颜色</translation>
    </message>
    <message>
      <location filename="../../app/ui/layer_panel.py" line="326" />
      <source>“%1” hidden so the basemap shows; tick it to draw it again.</source>
      <translation>已隐藏“%1”以显示底图；勾选即可重新显示。</translation>
    </message>
  </context>
  <context>
    <name>LoginDialog</name>
    <message>
      <location filename="../../app/ui/app.py" line="167" />
      <source>Switch user…</source>
      <translation>切换用户…</translation>
    </message>
    <message>
      <location filename="../../app/ui/login_dialog.py" line="50" />
      <source>CityGrid – log in</source>
      <translation>CityGrid – 登录</translation>
    </message>
    <message>
      <location filename="../../app/ui/login_dialog.py" line="64" />
      <source>Server</source>
      <translation>服务器</translation>
    </message>
    <message>
      <location filename="../../app/ui/login_dialog.py" line="65" />
      <source>Account</source>
      <translation>账号</translation>
    </message>
    <message>
      <location filename="../../app/ui/login_dialog.py" line="66" />
      <source>Password</source>
      <translation>密码</translation>
    </message>
    <message>
      <location filename="../../app/ui/login_dialog.py" line="68" />
      <source>Demo data: the password of every account is citygrid</source>
      <translation>演示数据：所有账号的密码为 citygrid</translation>
    </message>
    <message>
      <location filename="../../app/ui/login_dialog.py" line="81" />
      <source>Log in</source>
      <translation>登录</translation>
    </message>
    <message>
      <location filename="../../app/ui/login_dialog.py" line="86" />
      <source>CityGrid — Grid Management Command Centre</source>
      <translation>CityGrid 网格化城市管理指挥中心</translation>
    </message>
    <message>
      <location filename="../../app/ui/login_dialog.py" line="89" />
      <source>Log in to your seat: the account decides your queues and what you may do</source>
      <translation>登录席位：账号决定您的工作队列和操作权限</translation>
    </message>
    <message>
      <location filename="../../app/ui/login_dialog.py" line="113" />
      <source>Type your account</source>
      <translation>请输入账号</translation>
    </message>
    <message>
      <location filename="../../app/ui/login_dialog.py" line="126" />
      <source>Could not check the login: %1</source>
      <translation>无法验证登录：%1</translation>
    </message>
    <message>
      <location filename="../../app/ui/login_dialog.py" line="138" />
      <source>This account is disabled: ask the administrator</source>
      <translation>该账号已停用，请联系系统管理员</translation>
    </message>
    <message>
      <location filename="../../app/ui/login_dialog.py" line="140" />
      <source>This account has no password set: ask the administrator</source>
      <translation>该账号尚未设置密码，请联系系统管理员</translation>
    </message>
    <message>
      <location filename="../../app/ui/login_dialog.py" line="142" />
      <source>Wrong account or password</source>
      <translation>账号或密码错误</translation>
    </message>
  </context>
  <context>
    <name>MainWindow</name>
    <message>
      <location filename="../../app/ui/main_window.py" line="100" />
      <source>CityGrid — Grid Management Command Centre</source>
      <translation>CityGrid 网格化城市管理指挥中心</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="117" />
      <source>Layers</source>
      <translation>图层</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="120" />
      <source>Attributes</source>
      <translation>属性</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="154" />
      <source>Map</source>
      <translation>地图</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="158" />
      <source>Full extent</source>
      <translation>全图</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="160" />
      <source>Show the whole district (Home)</source>
      <translation>显示全区 (Home)</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="162" />
      <source>Zoom in</source>
      <translation>放大</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="165" />
      <source>Zoom out</source>
      <translation>缩小</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="175" />
      <source>Search: grid id, part id, case number, street or community (Ctrl+F)</source>
      <translation>搜索：网格编码、部件编码、案件编号、街道或社区名称 (Ctrl+F)</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="178" />
      <source>Search</source>
      <translation>搜索</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="180" />
      <source>Find</source>
      <translation>查找</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="207" />
      <source>Seat user</source>
      <translation>当前坐席</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="209" />
      <source>Hotline report…</source>
      <translation>热线受理…</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="212" />
      <source>Take a hotline call: a new report (Ctrl+N)</source>
      <translation>热线来电：新建上报 (Ctrl+N)</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="215" />
      <source>Command centre</source>
      <translation>指挥中心</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="230" />
      <source>Click the problem inside the camera's view (Esc cancels)</source>
      <translation>请在摄像头视域内点击问题位置（Esc 取消）</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="232" />
      <source>Video supervision</source>
      <translation>视频监督</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="246" />
      <source>Logged in as %1; File → Switch user to change</source>
      <translation>当前登录：%1；如需更换请使用“文件 → 切换用户”</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="264" />
      <source>Click the problem's location on the map (Esc cancels)</source>
      <translation>请在地图上点击问题位置（Esc 取消）</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="296" />
      <source>%1 features written to %2</source>
      <translation>已将 %1 个要素写入 %2</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="307" />
      <source>Vector file as basemap</source>
      <translation>矢量文件底图</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="308" />
      <source>GIS files (*.gpkg *.geojson *.json *.shp *.csv *.xlsx);;All files (*)</source>
      <translation>GIS 文件 (*.gpkg *.geojson *.json *.shp *.csv *.xlsx);;所有文件 (*)</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="315" />
      <source>Coordinate system</source>
      <translation>坐标系</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="316" />
      <source>The file declares no coordinate system. Its coordinates are in:</source>
      <translation>该文件未声明坐标系，其坐标采用：</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="323" />
      <location filename="../../app/ui/main_window.py" line="327" />
      <source>Basemap</source>
      <translation>底图</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="337" />
      <source>Basemap %1: %2 features (%3)</source>
      <translation>底图 %1：%2 个要素（%3）</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="419" />
      <source>&amp;File</source>
      <translation>文件(&amp;F)</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="420" />
      <source>&amp;Import layer…</source>
      <translation>导入图层(&amp;I)…</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="424" />
      <source>&amp;Export layer…</source>
      <translation>导出图层(&amp;E)…</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="428" />
      <source>Add &amp;basemap…</source>
      <translation>添加底图(&amp;B)…</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="430" />
      <source>Add &amp;vector file as basemap…</source>
      <translation>添加矢量文件为底图(&amp;V)…</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="436" />
      <source>Switch &amp;user…</source>
      <translation>切换用户(&amp;U)…</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="442" />
      <source>E&amp;xit</source>
      <translation>退出(&amp;X)</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="446" />
      <source>&amp;View</source>
      <translation>视图(&amp;V)</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="454" />
      <source>&amp;Cases</source>
      <translation>案件(&amp;C)</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="456" />
      <source>&amp;Language</source>
      <translation>语言(&amp;L)</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="467" />
      <source>&amp;Help</source>
      <translation>帮助(&amp;H)</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="468" />
      <location filename="../../app/ui/main_window.py" line="740" />
      <source>About CityGrid</source>
      <translation>关于 CityGrid</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="483" />
      <source>Loading parts…</source>
      <translation>正在加载部件…</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="499" />
      <source>Database: %1</source>
      <translation>数据库：%1</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="543" />
      <source>%1 parts loaded</source>
      <translation>已加载 %1 个部件</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="569" />
      <source>CityGrid</source>
      <translation>CityGrid</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="570" />
      <source>The map data could not be loaded:</source>
      <translation>无法加载地图数据：</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="624" />
      <source>Nothing found for “%1”</source>
      <translation>未找到“%1”</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="720" />
      <source>Lon/lat (CGCS2000) %1, %2   Gauss-Krüger CM117E X %3 m, Y %4 m</source>
      <translation>经纬度(CGCS2000) %1, %2   高斯-克吕格 CM117E X %3 米, Y %4 米</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="737" />
      <source>The language changes when CityGrid restarts.</source>
      <translation>界面语言将在重新启动 CityGrid 后生效。</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="741" />
      <source>CityGrid — a desktop GIS command centre for grid-based urban management: unit grids, city parts and cases on one map.</source>
      <translation>CityGrid —— 网格化城市管理桌面 GIS 指挥中心：单元网格、城市部件与案件尽在一图。</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="765" />
      <source>Online</source>
      <translation>在线</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="766" />
      <source>Changes of other seats arrive live</source>
      <translation>其他席位的改动实时送达</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="769" />
      <source>Connection lost — reconnecting…</source>
      <translation>连接中断，正在重连…</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="772" />
      <source>The database server cannot be reached: what you type is kept; send it again when the connection is back</source>
      <translation>无法连接数据库服务器：已填写的内容会保留，连接恢复后请再次提交</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="806" />
      <source>Case %1 was just changed by %2: %3</source>
      <translation>案件 %1 刚被 %2 处理：%3</translation>
    </message>
  </context>
  <context>
    <name>PhotoStrip</name>
    <message>
      <location filename="../../app/ui/photo_strip.py" line="157" />
      <source>Attach photos…</source>
      <translation>补充照片…</translation>
    </message>
    <message>
      <location filename="../../app/ui/photo_strip.py" line="159" />
      <source>Add photos to this case (Ctrl+Shift+A)</source>
      <translation>为本案件补充照片 (Ctrl+Shift+A)</translation>
    </message>
    <message>
      <location filename="../../app/ui/photo_strip.py" line="192" />
      <source>Photos: %1</source>
      <translation>照片：%1</translation>
    </message>
  </context>
  <context>
    <name>PhotoViewerDialog</name>
    <message>
      <location filename="../../app/ui/photo_strip.py" line="94" />
      <source>Fit to window</source>
      <translation>适应窗口</translation>
    </message>
  </context>
  <context>
    <name>ReasonDialog</name>
    <message>
      <location filename="../../app/ui/case_dialogs.py" line="279" />
      <source>Why? This goes into the case record.</source>
      <translation>原因？将记入案卷。</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_dialogs.py" line="281" />
      <source>Enter: confirm · Shift+Enter: new line · Esc: cancel</source>
      <translation>Enter 确认 · Shift+Enter 换行 · Esc 取消</translation>
    </message>
  </context>
  <context>
    <name>Roles</name>
    <message>
      <location filename="../../app/ui/texts.py" line="129" />
      <source>Field supervisor</source>
      <translation>监督员</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="130" />
      <source>Video supervisor</source>
      <translation>视频监督员</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="131" />
      <source>Grid worker</source>
      <translation>网格员</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="132" />
      <source>Operator</source>
      <translation>受理员</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="133" />
      <source>Shift leader</source>
      <translation>值班长</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="134" />
      <source>Dispatcher</source>
      <translation>派遣员</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="135" />
      <source>Department staff</source>
      <translation>专业部门</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="136" />
      <source>Manager</source>
      <translation>领导</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="137" />
      <source>Administrator</source>
      <translation>系统管理员</translation>
    </message>
  </context>
  <context>
    <name>SeedDialog</name>
    <message>
      <location filename="../../app/ui/seed_dialog.py" line="15" />
      <location filename="../../app/ui/seed_dialog.py" line="27" />
      <source>Creating the demo district…</source>
      <translation>正在生成演示城区…</translation>
    </message>
    <message>
      <location filename="../../app/ui/seed_dialog.py" line="16" />
      <source>CityGrid — first start</source>
      <translation>CityGrid —— 首次启动</translation>
    </message>
    <message>
      <location filename="../../app/ui/seed_dialog.py" line="46" />
      <source>CityGrid</source>
      <translation>CityGrid</translation>
    </message>
    <message>
      <location filename="../../app/ui/seed_dialog.py" line="47" />
      <source>The demo district could not be created:</source>
      <translation>无法生成演示城区：</translation>
    </message>
  </context>
  <context>
    <name>SizingPanel</name>
    <message>
      <location filename="../../app/ui/sizing_panel.py" line="52" />
      <source>All levels</source>
      <translation>全部层级</translation>
    </message>
    <message>
      <location filename="../../app/ui/sizing_panel.py" line="53" />
      <source>Grids</source>
      <translation>网格</translation>
    </message>
    <message>
      <location filename="../../app/ui/sizing_panel.py" line="53" />
      <source>Communities</source>
      <translation>社区</translation>
    </message>
    <message>
      <location filename="../../app/ui/sizing_panel.py" line="54" />
      <source>Streets</source>
      <translation>街道</translation>
    </message>
    <message>
      <location filename="../../app/ui/sizing_panel.py" line="56" />
      <source>Check</source>
      <translation>核查</translation>
    </message>
    <message>
      <location filename="../../app/ui/sizing_panel.py" line="69" />
      <source>Level</source>
      <translation>层级</translation>
    </message>
    <message>
      <location filename="../../app/ui/sizing_panel.py" line="69" />
      <source>Code</source>
      <translation>编码</translation>
    </message>
    <message>
      <location filename="../../app/ui/sizing_panel.py" line="69" />
      <source>Name</source>
      <translation>名称</translation>
    </message>
    <message>
      <location filename="../../app/ui/sizing_panel.py" line="69" />
      <source>Measure</source>
      <translation>指标</translation>
    </message>
    <message>
      <location filename="../../app/ui/sizing_panel.py" line="70" />
      <source>Value</source>
      <translation>数值</translation>
    </message>
    <message>
      <location filename="../../app/ui/sizing_panel.py" line="70" />
      <source>Standard range</source>
      <translation>标准范围</translation>
    </message>
    <message>
      <location filename="../../app/ui/sizing_panel.py" line="70" />
      <source>Deviation</source>
      <translation>偏差</translation>
    </message>
    <message>
      <location filename="../../app/ui/sizing_panel.py" line="108" />
      <source>Sizing check failed: %1</source>
      <translation>规模核查失败：%1</translation>
    </message>
    <message>
      <location filename="../../app/ui/sizing_panel.py" line="116" />
      <source>grids</source>
      <translation>网格</translation>
    </message>
    <message>
      <location filename="../../app/ui/sizing_panel.py" line="116" />
      <source>communities</source>
      <translation>社区</translation>
    </message>
    <message>
      <location filename="../../app/ui/sizing_panel.py" line="117" />
      <source>streets</source>
      <translation>街道</translation>
    </message>
    <message>
      <location filename="../../app/ui/sizing_panel.py" line="120" />
      <source>%1: %2 of %3 within %4–%5</source>
      <translation>%1：%3 个中 %2 个在 %4–%5 之内</translation>
    </message>
    <message>
      <location filename="../../app/ui/sizing_panel.py" line="137" />
      <source>Grid</source>
      <translation>网格</translation>
    </message>
    <message>
      <location filename="../../app/ui/sizing_panel.py" line="137" />
      <source>Community</source>
      <translation>社区</translation>
    </message>
    <message>
      <location filename="../../app/ui/sizing_panel.py" line="138" />
      <source>Street</source>
      <translation>街道</translation>
    </message>
    <message>
      <location filename="../../app/ui/sizing_panel.py" line="139" />
      <source>Households</source>
      <translation>户数</translation>
    </message>
    <message>
      <location filename="../../app/ui/sizing_panel.py" line="139" />
      <source>Residents</source>
      <translation>人口</translation>
    </message>
    <message>
      <location filename="../../app/ui/sizing_panel.py" line="182" />
      <source>Below standard</source>
      <translation>低于标准</translation>
    </message>
    <message>
      <location filename="../../app/ui/sizing_panel.py" line="183" />
      <source>Above standard</source>
      <translation>高于标准</translation>
    </message>
  </context>
  <context>
    <name>Texts</name>
    <message>
      <location filename="../../app/ui/texts.py" line="25" />
      <source>Unit grid id</source>
      <translation>单元网格标识码</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="26" />
      <source>Name</source>
      <translation>名称</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="27" />
      <source>Area (m²)</source>
      <translation>面积(平方米)</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="28" />
      <source>Region class</source>
      <translation>区域类别</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="29" />
      <source>Households</source>
      <translation>户数</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="30" />
      <source>Residents</source>
      <translation>人口</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="31" />
      <source>Initial date</source>
      <translation>初始日期</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="32" />
      <source>Change date</source>
      <translation>变更日期</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="33" />
      <source>Part id</source>
      <translation>管理部件标识码</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="34" />
      <source>Part name</source>
      <translation>管理部件名称</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="109" />
      <location filename="../../app/ui/texts.py" line="35" />
      <source>Type</source>
      <translation>类别</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="36" />
      <source>Major class</source>
      <translation>大类</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="37" />
      <source>Competent department</source>
      <translation>主管部门</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="38" />
      <source>Handling department</source>
      <translation>处置部门</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="39" />
      <source>Department code</source>
      <translation>主管部门代码</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="40" />
      <source>Owner unit</source>
      <translation>权属单位</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="41" />
      <source>Maintainer unit</source>
      <translation>养护单位</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="42" />
      <source>Part status</source>
      <translation>管理部件状态</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="43" />
      <source>Data source</source>
      <translation>数据来源</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="44" />
      <source>Lon, lat (CGCS2000)</source>
      <translation>经纬度(CGCS2000)</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="109" />
      <location filename="../../app/ui/texts.py" line="45" />
      <source>Case number</source>
      <translation>案件编号</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="46" />
      <source>Case kind</source>
      <translation>案件类型</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="110" />
      <location filename="../../app/ui/texts.py" line="47" />
      <source>State</source>
      <translation>状态</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="111" />
      <location filename="../../app/ui/texts.py" line="48" />
      <source>Urgency</source>
      <translation>紧急程度</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="110" />
      <location filename="../../app/ui/texts.py" line="49" />
      <source>Source</source>
      <translation>来源</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="50" />
      <source>Level</source>
      <translation>处置层级</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="112" />
      <location filename="../../app/ui/texts.py" line="51" />
      <source>Reported at</source>
      <translation>上报时间</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="112" />
      <location filename="../../app/ui/texts.py" line="52" />
      <source>Deadline</source>
      <translation>处置时限</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="53" />
      <source>Closed at</source>
      <translation>结案时间</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="54" />
      <source>Description</source>
      <translation>问题描述</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="55" />
      <source>District</source>
      <translation>区</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="56" />
      <source>Street</source>
      <translation>街道</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="57" />
      <source>Community</source>
      <translation>社区</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="111" />
      <location filename="../../app/ui/texts.py" line="58" />
      <source>Unit grid</source>
      <translation>单元网格</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="59" />
      <location filename="../../app/ui/texts.py" line="91" />
      <source>Part</source>
      <translation>部件</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="60" />
      <source>Case</source>
      <translation>案件</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="64" />
      <source>Draft</source>
      <translation>草稿</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="59" />
      <location filename="../../app/ui/texts.py" line="65" />
      <source>To register</source>
      <translation>待受理</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="66" />
      <source>Verifying</source>
      <translation>核实中</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="60" />
      <source>To verify</source>
      <translation>待核实</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="61" />
      <location filename="../../app/ui/texts.py" line="67" />
      <source>To file</source>
      <translation>待立案</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="62" />
      <location filename="../../app/ui/texts.py" line="68" />
      <source>To dispatch</source>
      <translation>待派遣</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="63" />
      <location filename="../../app/ui/texts.py" line="69" />
      <source>In handling</source>
      <translation>处置中</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="64" />
      <source>Awaiting check</source>
      <translation>待核查</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="68" />
      <source>Closed today</source>
      <translation>今日结案</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="91" />
      <source>Why is this report void?</source>
      <translation>该上报为何作废？</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="92" />
      <source>Why is this case not for your department? The dispatcher decides on the return.</source>
      <translation>为何不属于本部门？是否回退由派遣员决定。</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="95" />
      <source>Why can the case not be handled now? While parked its clock stops.</source>
      <translation>为何暂时无法处置？挂账期间停止计时。</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="97" />
      <source>Urging note for the handling department:</source>
      <translation>对处置部门的督办意见：</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="98" />
      <source>Why does the case need the next level?</source>
      <translation>为何需要提级处理？</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="99" />
      <location filename="../../app/ui/case_panel.py" line="100" />
      <location filename="../../app/ui/case_panel.py" line="101" />
      <source>Why is the request rejected?</source>
      <translation>驳回理由？</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="102" />
      <source>What is still wrong on site? The department must redo it.</source>
      <translation>现场还有什么问题？部门须返工。</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="113" />
      <source>Remaining</source>
      <translation>剩余时间</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="122" />
      <source>Green: at most 80 % of this step's time limit used</source>
      <translation>绿灯：本环节时限已用不超过 80%</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="123" />
      <source>Yellow: 80–100 % of this step's time limit used, due soon</source>
      <translation>黄灯：本环节时限已用 80–100%，即将到期</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="125" />
      <source>Red: overdue, this step's time limit has run out</source>
      <translation>红灯：已超期，本环节时限已用完</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="127" />
      <source>Traffic light of the current step: green up to 80 % of the time limit used, yellow 80–100 %, red overdue.</source>
      <translation>当前环节红黄绿灯：时限已用不超过 80% 为绿灯，80–100% 为黄灯，超期为红灯。</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="70" />
      <source>To check</source>
      <translation>待核查</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="71" />
      <source>Checking</source>
      <translation>核查中</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="65" />
      <location filename="../../app/ui/texts.py" line="72" />
      <source>To close</source>
      <translation>待结案</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="66" />
      <source>Overdue</source>
      <translation>已超期</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="67" />
      <location filename="../../app/ui/texts.py" line="73" />
      <source>Parked</source>
      <translation>挂账</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="74" />
      <source>Closed</source>
      <translation>已结案</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="75" />
      <source>Void</source>
      <translation>已作废</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="78" />
      <source>Field supervisor</source>
      <translation>监督员上报</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="79" />
      <source>Video</source>
      <translation>视频发现</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="80" />
      <source>Hotline</source>
      <translation>热线转办</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="81" />
      <source>Public report</source>
      <translation>公众举报</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="82" />
      <source>Grid worker</source>
      <translation>网格员上报</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="83" />
      <source>Leader's instruction</source>
      <translation>领导交办</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="84" />
      <source>Media</source>
      <translation>媒体曝光</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="86" />
      <source>Normal</source>
      <translation>一般</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="86" />
      <source>High</source>
      <translation>较高</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="87" />
      <source>Urgent</source>
      <translation>紧急</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="88" />
      <source>Community (micro loop)</source>
      <translation>社区(微循环)</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="89" />
      <source>Street (small loop)</source>
      <translation>街道(小循环)</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="90" />
      <source>District (big loop)</source>
      <translation>区级(大循环)</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="91" />
      <source>Matter</source>
      <translation>事项</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="92" />
      <source>Municipal utilities</source>
      <translation>市政公用设施</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="92" />
      <source>Transport facilities</source>
      <translation>交通设施</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="93" />
      <source>Sanitation facilities</source>
      <translation>市容环卫设施</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="93" />
      <source>Landscaping facilities</source>
      <translation>园林绿化设施</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="94" />
      <source>Other parts</source>
      <translation>其他管理部件</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="96" />
      <source>Buildings</source>
      <translation>建筑</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="97" />
      <source>Roads</source>
      <translation>道路</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="98" />
      <source>Streets</source>
      <translation>街道</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="99" />
      <source>Communities</source>
      <translation>社区</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="100" />
      <source>Unit grids</source>
      <translation>单元网格</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="101" />
      <source>City parts</source>
      <translation>城市部件</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="102" />
      <source>Open cases</source>
      <translation>在办案件</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="103" />
      <source>Camera views</source>
      <translation>摄像头视域</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="104" />
      <source>Video cameras</source>
      <translation>视频监控</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="106" />
      <source>Live stream</source>
      <translation>实时视频</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="107" />
      <source>Snapshots only</source>
      <translation>仅抓拍图像</translation>
    </message>
    <message>
      <location filename="../../app/ui/photo_strip.py" line="74" />
      <location filename="../../app/ui/photo_strip.py" line="232" />
      <source>Attach photos</source>
      <translation>补充照片</translation>
    </message>
    <message>
      <location filename="../../app/ui/photo_strip.py" line="75" />
      <source>Images (%1)</source>
      <translation>图片 (%1)</translation>
    </message>
  </context>
  <context>
    <name>TileVisual</name>
    <message>
      <location filename="../../app/map/render/tile_visual.py" line="179" />
      <source>Zoom in to see this basemap (its tiles start at zoom %1).</source>
      <translation>请放大以显示此底图（其瓦片从第 %1 级开始）。</translation>
    </message>
    <message>
      <location filename="../../app/map/render/tile_visual.py" line="198" />
      <source>The tile server is failing: %1</source>
      <translation>瓦片服务出错：%1</translation>
    </message>
    <message>
      <location filename="../../app/map/render/tile_visual.py" line="202" />
      <source>Tile %1 is not a readable image.</source>
      <translation>瓦片 %1 不是可读取的图像。</translation>
    </message>
  </context>
  <context>
    <name>TypePicker</name>
    <message>
      <location filename="../../app/ui/type_picker.py" line="55" />
      <source>Type code or name, e.g. 06010 or 垃圾</source>
      <translation>输入类别代码或名称，如 06010 或 垃圾</translation>
    </message>
    <message>
      <location filename="../../app/ui/type_picker.py" line="57" />
      <source>Type a code prefix or part of the name; Down opens the list, Enter chooses</source>
      <translation>输入代码开头或名称中的字词；↓ 打开列表，回车选定</translation>
    </message>
  </context>
  <context>
    <name>VideoPanel</name>
    <message>
      <location filename="../../app/ui/video_panel.py" line="218" />
      <source>Search camera: part id or unit grid</source>
      <translation>搜索摄像头：部件编码或单元网格</translation>
    </message>
    <message>
      <location filename="../../app/ui/video_panel.py" line="231" />
      <source>LIVE</source>
      <translation>实时</translation>
    </message>
    <message>
      <location filename="../../app/ui/video_panel.py" line="232" />
      <source>SNAPSHOT</source>
      <translation>快照</translation>
    </message>
    <message>
      <location filename="../../app/ui/video_panel.py" line="234" />
      <source>Flag a problem at a map point</source>
      <translation>在地图上标注问题位置</translation>
    </message>
    <message>
      <location filename="../../app/ui/video_panel.py" line="237" />
      <source>Then click the problem on the map, inside the selected camera's view</source>
      <translation>然后在地图上点击问题位置（须在所选摄像头的视域内）</translation>
    </message>
    <message>
      <location filename="../../app/ui/video_panel.py" line="247" />
      <source>What is wrong (required)</source>
      <translation>问题描述（必填）</translation>
    </message>
    <message>
      <location filename="../../app/ui/video_panel.py" line="254" />
      <source>Capture frame</source>
      <translation>截取画面</translation>
    </message>
    <message>
      <location filename="../../app/ui/video_panel.py" line="257" />
      <source>Keep the displayed frame, with its time stamp, as the case photo</source>
      <translation>将当前画面（含时间戳）保存为案件照片</translation>
    </message>
    <message>
      <location filename="../../app/ui/video_panel.py" line="262" />
      <source>Submit</source>
      <translation>提交</translation>
    </message>
    <message>
      <location filename="../../app/ui/video_panel.py" line="265" />
      <source>Needs a point in the camera's view, a type and a note</source>
      <translation>需要视域内的位置、问题类别和问题描述</translation>
    </message>
    <message>
      <location filename="../../app/ui/video_panel.py" line="275" />
      <source>Flag a problem</source>
      <translation>视频发现问题</translation>
    </message>
    <message>
      <location filename="../../app/ui/video_panel.py" line="322" />
      <source>Looks %1° from north, %2° wide, %3 m deep</source>
      <translation>朝向北偏东%1°，视角%2°，可视距离%3米</translation>
    </message>
    <message>
      <location filename="../../app/ui/video_panel.py" line="372" />
      <source>Select a camera</source>
      <translation>请选择摄像头</translation>
    </message>
    <message>
      <location filename="../../app/ui/video_panel.py" line="378" />
      <source>No picture from camera %1</source>
      <translation>摄像头 %1 暂无画面</translation>
    </message>
    <message>
      <location filename="../../app/ui/video_panel.py" line="397" />
      <location filename="../../app/ui/video_panel.py" line="405" />
      <source>Only video supervisors flag problems from cameras</source>
      <translation>仅视频监督员可通过摄像头上报问题</translation>
    </message>
    <message>
      <location filename="../../app/ui/video_panel.py" line="408" />
      <source>Select a camera first</source>
      <translation>请先选择摄像头</translation>
    </message>
    <message>
      <location filename="../../app/ui/video_panel.py" line="410" />
      <source>No point chosen yet</source>
      <translation>尚未选择位置</translation>
    </message>
    <message>
      <location filename="../../app/ui/video_panel.py" line="420" />
      <source>Click the problem on the map, inside the view of camera %1</source>
      <translation>请在地图上点击问题位置（须在摄像头 %1 的视域内）</translation>
    </message>
    <message>
      <location filename="../../app/ui/video_panel.py" line="439" />
      <source>Outside the view of camera %1 (%2 m away): click a point inside its view cone</source>
      <translation>该点不在摄像头 %1 的视域内（距其 %2 米）：请点击视域扇形内的位置</translation>
    </message>
    <message>
      <location filename="../../app/ui/video_panel.py" line="453" />
      <source>In view: %1 m from the camera, unit grid %2</source>
      <translation>在视域内：距摄像头 %1 米，单元网格 %2</translation>
    </message>
    <message>
      <location filename="../../app/ui/video_panel.py" line="482" />
      <source>No frame captured</source>
      <translation>尚未截取画面</translation>
    </message>
    <message>
      <location filename="../../app/ui/video_panel.py" line="485" />
      <source>Frame captured at %1 (%2 KB)</source>
      <translation>已截取 %1 的画面（%2 KB）</translation>
    </message>
    <message>
      <location filename="../../app/ui/video_panel.py" line="503" />
      <source>Case %1 reported from camera %2</source>
      <translation>已通过摄像头 %2 上报案件 %1</translation>
    </message>
  </context>
</TS>