<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
  <context>
    <name>Actions</name>
    <message>
      <location filename="../../app/ui/texts.py" line="136" />
      <source>Report</source>
      <translation>上报</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="137" />
      <source>Register</source>
      <translation>受理</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="138" />
      <source>Send for verification</source>
      <translation>发核实</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="139" />
      <source>Verify</source>
      <translation>核实</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="140" />
      <source>File</source>
      <translation>立案</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="141" />
      <source>Void</source>
      <translation>作废</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="142" />
      <source>Dispatch</source>
      <translation>派遣</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="143" />
      <source>Return (not ours)</source>
      <translation>回退</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="144" />
      <source>Approve return</source>
      <translation>同意回退</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="145" />
      <source>Reject return</source>
      <translation>驳回回退</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="146" />
      <source>Request extension</source>
      <translation>延期申请</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="147" />
      <source>Approve extension</source>
      <translation>同意延期</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="148" />
      <source>Reject extension</source>
      <translation>驳回延期</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="149" />
      <source>Request parking</source>
      <translation>挂账申请</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="150" />
      <source>Approve parking</source>
      <translation>同意挂账</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="151" />
      <source>Reject parking</source>
      <translation>驳回挂账</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="152" />
      <source>Resume from ledger</source>
      <translation>挂账恢复</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="153" />
      <source>Report handling</source>
      <translation>处置反馈</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="154" />
      <source>Send for check</source>
      <translation>发核查</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="155" />
      <source>Check passed</source>
      <translation>核查通过</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="156" />
      <source>Check failed (rework)</source>
      <translation>核查不通过(返工)</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="157" />
      <source>Re-dispatch (wrong department)</source>
      <translation>改派(错误派遣)</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="158" />
      <source>Close</source>
      <translation>结案</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="159" />
      <source>Callback</source>
      <translation>回访</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="160" />
      <source>Urge</source>
      <translation>督办</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="161" />
      <source>Escalate</source>
      <translation>提级</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="162" />
      <source>Self-handle</source>
      <translation>自处理</translation>
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
    <name>CasePanel</name>
    <message>
      <location filename="../../app/ui/case_panel.py" line="165" />
      <source>All sources</source>
      <translation>全部来源</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="170" />
      <source>All urgencies</source>
      <translation>全部紧急程度</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="175" />
      <source>All streets</source>
      <translation>全部街道</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="181" />
      <source>Type code, community or grid id</source>
      <translation>类别代码、社区或网格编码</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="204" />
      <source>Refresh (Ctrl+R)</source>
      <translation>刷新 (Ctrl+R)</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="349" />
      <source>Suggested: %1</source>
      <translation>建议：%1</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="354" />
      <source>Reason:</source>
      <translation>原因/意见：</translation>
    </message>
  </context>
  <context>
    <name>LayerPanel</name>
    <message>
      <location filename="../../app/ui/layer_panel.py" line="42" />
      <source>Show labels</source>
      <translation>显示注记</translation>
    </message>
    <message>
      <location filename="../../app/ui/layer_panel.py" line="45" />
      <source>Colour…</source>
      <translation>颜色…</translation>
    </message>
    <message>
      <location filename="../../app/ui/layer_panel.py" line="48" />
      <source>Zoom to layer</source>
      <translation>缩放至图层</translation>
    </message>
    <message>
      <location filename="../../app/ui/layer_panel.py" line="52" />
      <source>Move layer up</source>
      <translation>上移图层</translation>
    </message>
    <message>
      <location filename="../../app/ui/layer_panel.py" line="55" />
      <source>Move layer down</source>
      <translation>下移图层</translation>
    </message>
    <message>
      <location filename="../../app/ui/layer_panel.py" line="66" />
      <source>Opacity</source>
      <translation>不透明度</translation>
    </message>
    <message>
      <location filename="../../app/ui/layer_panel.py" line="165" />
      <source>Layer colour</source>
      <translation>图层颜色</translation>
    </message>
  </context>
  <context>
    <name>MainWindow</name>
    <message>
      <location filename="../../app/ui/main_window.py" line="61" />
      <source>CityGrid — Grid Management Command Centre</source>
      <translation>CityGrid 网格化城市管理指挥中心</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="73" />
      <source>Layers</source>
      <translation>图层</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="76" />
      <source>Attributes</source>
      <translation>属性</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="95" />
      <source>Map</source>
      <translation>地图</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="99" />
      <source>Full extent</source>
      <translation>全图</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="101" />
      <source>Show the whole district (Home)</source>
      <translation>显示全区 (Home)</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="103" />
      <source>Zoom in</source>
      <translation>放大</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="106" />
      <source>Zoom out</source>
      <translation>缩小</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="116" />
      <source>Search: grid id, part id, case number, street or community (Ctrl+F)</source>
      <translation>搜索：网格编码、部件编码、案件编号、街道或社区名称 (Ctrl+F)</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="119" />
      <source>Search</source>
      <translation>搜索</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="121" />
      <source>Find</source>
      <translation>查找</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="148" />
      <source>Seat user</source>
      <translation>当前坐席</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="150" />
      <source>Command centre</source>
      <translation>指挥中心</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="193" />
      <source>&amp;File</source>
      <translation>文件(&amp;F)</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="194" />
      <source>E&amp;xit</source>
      <translation>退出(&amp;X)</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="198" />
      <source>&amp;View</source>
      <translation>视图(&amp;V)</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="205" />
      <source>&amp;Language</source>
      <translation>语言(&amp;L)</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="216" />
      <source>&amp;Help</source>
      <translation>帮助(&amp;H)</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="217" />
      <location filename="../../app/ui/main_window.py" line="463" />
      <source>About CityGrid</source>
      <translation>关于 CityGrid</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="232" />
      <source>Loading parts…</source>
      <translation>正在加载部件…</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="245" />
      <source>Database: %1</source>
      <translation>数据库：%1</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="273" />
      <source>%1 parts loaded</source>
      <translation>已加载 %1 个部件</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="299" />
      <source>CityGrid</source>
      <translation>CityGrid</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="300" />
      <source>The map data could not be loaded:</source>
      <translation>无法加载地图数据：</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="347" />
      <source>Nothing found for “%1”</source>
      <translation>未找到“%1”</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="443" />
      <source>Lon/lat (CGCS2000) %1, %2   Gauss-Krüger CM117E X %3 m, Y %4 m</source>
      <translation>经纬度(CGCS2000) %1, %2   高斯-克吕格 CM117E X %3 米, Y %4 米</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="460" />
      <source>The language changes when CityGrid restarts.</source>
      <translation>界面语言将在重新启动 CityGrid 后生效。</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="464" />
      <source>CityGrid — a desktop GIS command centre for grid-based urban management: unit grids, city parts and cases on one map.</source>
      <translation>CityGrid —— 网格化城市管理桌面 GIS 指挥中心：单元网格、城市部件与案件尽在一图。</translation>
    </message>
  </context>
  <context>
    <name>Roles</name>
    <message>
      <location filename="../../app/ui/texts.py" line="124" />
      <source>Field supervisor</source>
      <translation>监督员</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="125" />
      <source>Video supervisor</source>
      <translation>视频监督员</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="126" />
      <source>Grid worker</source>
      <translation>网格员</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="127" />
      <source>Operator</source>
      <translation>受理员</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="128" />
      <source>Shift leader</source>
      <translation>值班长</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="129" />
      <source>Dispatcher</source>
      <translation>派遣员</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="130" />
      <source>Department staff</source>
      <translation>专业部门</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="131" />
      <source>Manager</source>
      <translation>领导</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="132" />
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
      <location filename="../../app/ui/case_panel.py" line="64" />
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
      <source>Department code</source>
      <translation>主管部门代码</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="39" />
      <source>Owner unit</source>
      <translation>权属单位</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="40" />
      <source>Maintainer unit</source>
      <translation>养护单位</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="41" />
      <source>Part status</source>
      <translation>管理部件状态</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="42" />
      <source>Data source</source>
      <translation>数据来源</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="43" />
      <source>Lon, lat (CGCS2000)</source>
      <translation>经纬度(CGCS2000)</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="64" />
      <location filename="../../app/ui/texts.py" line="44" />
      <source>Case number</source>
      <translation>案件编号</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="45" />
      <source>Case kind</source>
      <translation>案件类型</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="65" />
      <location filename="../../app/ui/texts.py" line="46" />
      <source>State</source>
      <translation>状态</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="66" />
      <location filename="../../app/ui/texts.py" line="47" />
      <source>Urgency</source>
      <translation>紧急程度</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="65" />
      <location filename="../../app/ui/texts.py" line="48" />
      <source>Source</source>
      <translation>来源</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="49" />
      <source>Level</source>
      <translation>处置层级</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="67" />
      <location filename="../../app/ui/texts.py" line="50" />
      <source>Reported at</source>
      <translation>上报时间</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="67" />
      <location filename="../../app/ui/texts.py" line="51" />
      <source>Deadline</source>
      <translation>处置时限</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="52" />
      <source>Closed at</source>
      <translation>结案时间</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="53" />
      <source>Description</source>
      <translation>问题描述</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="54" />
      <source>District</source>
      <translation>区</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="55" />
      <source>Street</source>
      <translation>街道</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="56" />
      <source>Community</source>
      <translation>社区</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="66" />
      <location filename="../../app/ui/texts.py" line="57" />
      <source>Unit grid</source>
      <translation>单元网格</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="58" />
      <location filename="../../app/ui/texts.py" line="90" />
      <source>Part</source>
      <translation>部件</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="59" />
      <source>Case</source>
      <translation>案件</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="63" />
      <source>Draft</source>
      <translation>草稿</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="39" />
      <location filename="../../app/ui/texts.py" line="64" />
      <source>To register</source>
      <translation>待受理</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="65" />
      <source>Verifying</source>
      <translation>核实中</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="40" />
      <source>To verify</source>
      <translation>待核实</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="41" />
      <location filename="../../app/ui/texts.py" line="66" />
      <source>To file</source>
      <translation>待立案</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="42" />
      <location filename="../../app/ui/texts.py" line="67" />
      <source>To dispatch</source>
      <translation>待派遣</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="43" />
      <location filename="../../app/ui/texts.py" line="68" />
      <source>In handling</source>
      <translation>处置中</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="44" />
      <source>Awaiting check</source>
      <translation>待核查</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="48" />
      <source>Closed today</source>
      <translation>今日结案</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="68" />
      <source>Remaining</source>
      <translation>剩余时间</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="69" />
      <source>To check</source>
      <translation>待核查</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="70" />
      <source>Checking</source>
      <translation>核查中</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="45" />
      <location filename="../../app/ui/texts.py" line="71" />
      <source>To close</source>
      <translation>待结案</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="46" />
      <source>Overdue</source>
      <translation>已超期</translation>
    </message>
    <message>
      <location filename="../../app/ui/case_panel.py" line="47" />
      <location filename="../../app/ui/texts.py" line="72" />
      <source>Parked</source>
      <translation>挂账</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="73" />
      <source>Closed</source>
      <translation>已结案</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="74" />
      <source>Void</source>
      <translation>已作废</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="77" />
      <source>Field supervisor</source>
      <translation>监督员上报</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="78" />
      <source>Video</source>
      <translation>视频发现</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="79" />
      <source>Hotline</source>
      <translation>热线转办</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="80" />
      <source>Public report</source>
      <translation>公众举报</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="81" />
      <source>Grid worker</source>
      <translation>网格员上报</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="82" />
      <source>Leader's instruction</source>
      <translation>领导交办</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="83" />
      <source>Media</source>
      <translation>媒体曝光</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="85" />
      <source>Normal</source>
      <translation>一般</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="85" />
      <source>High</source>
      <translation>较高</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="86" />
      <source>Urgent</source>
      <translation>紧急</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="87" />
      <source>Community (micro loop)</source>
      <translation>社区(微循环)</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="88" />
      <source>Street (small loop)</source>
      <translation>街道(小循环)</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="89" />
      <source>District (big loop)</source>
      <translation>区级(大循环)</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="90" />
      <source>Matter</source>
      <translation>事项</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="91" />
      <source>Municipal utilities</source>
      <translation>市政公用设施</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="91" />
      <source>Transport facilities</source>
      <translation>交通设施</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="92" />
      <source>Sanitation facilities</source>
      <translation>市容环卫设施</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="92" />
      <source>Landscaping facilities</source>
      <translation>园林绿化设施</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="93" />
      <source>Other parts</source>
      <translation>其他管理部件</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="95" />
      <source>Buildings</source>
      <translation>建筑</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="96" />
      <source>Roads</source>
      <translation>道路</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="97" />
      <source>Streets</source>
      <translation>街道</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="98" />
      <source>Communities</source>
      <translation>社区</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="99" />
      <source>Unit grids</source>
      <translation>单元网格</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="100" />
      <source>City parts</source>
      <translation>城市部件</translation>
    </message>
    <message>
      <location filename="../../app/ui/texts.py" line="101" />
      <source>Open cases</source>
      <translation>在办案件</translation>
    </message>
  </context>
</TS>